using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Scheduling;

/// <summary>
/// A fixture of real <c>serve</c> processes on one test store: the workers a test starts with
/// <see cref="Start"/> are killed after it, and its store dropped.
/// </summary>
public abstract class WorkerFixture
{
    private readonly List<WorkerProcess> _workers = [];

    /// <summary>The test's store, when it made one; dropped after the test.</summary>
    protected TestStore? Store { get; set; }

    [TearDown]
    public async Task StopWorkersAndDropStore()
    {
        foreach (var worker in _workers)
        {
            worker.Dispose();
        }

        _workers.Clear();
        if (Store is not null)
        {
            await Store.DisposeAsync();
            Store = null;
        }
    }

    /// <summary>Starts a worker, killed after the test.</summary>
    internal WorkerProcess Start(string name, IReadOnlyDictionary<string, string> environment)
    {
        var worker = WorkerProcess.Serve(name, environment);
        _workers.Add(worker);
        return worker;
    }
}
