using Microsoft.Extensions.Configuration;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Reference;

namespace Reporting.Tests.Demo;

/// <summary><c>config/reference.json</c> describes exactly the group the demo data is about.</summary>
[TestFixture]
public sealed class DemoReferenceDataTests
{
    private static ReferenceDataOptions Configured()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryRoot(), "config", "reference.json"), optional: false)
            .Build();
        return configuration.GetSection(ReferenceDataOptions.SectionName).Get<ReferenceDataOptions>()
            ?? throw new InvalidOperationException("config/reference.json has no Reference section");
    }

    [Test]
    public void Reference_json_lists_the_demo_branches()
    {
        var expected = DemoDealerGroup.Default.ToReferenceData().Branches;

        Assert.That(
            Configured().Branches.Select(b => (b.Code, b.Name, b.Region, string.Join(";", b.ManagerEmails))),
            Is.EqualTo(expected.Select(b => (b.Code, b.Name, b.Region, string.Join(";", b.ManagerEmails)))));
    }

    [Test]
    public void Reference_json_lists_the_demo_advisors()
    {
        var expected = DemoDealerGroup.Default.ToReferenceData().Advisors;

        Assert.That(Configured().Advisors.Select(a => (a.Id, a.Name, a.Branch)), Is.EqualTo(expected.Select(a => (a.Id, a.Name, a.Branch))));
    }

    [Test]
    public void Reference_json_lists_the_demo_insurers()
    {
        var expected = DemoDealerGroup.Default.ToReferenceData().Insurers;

        Assert.That(Configured().Insurers.Select(i => (i.Code, i.Name)), Is.EqualTo(expected.Select(i => (i.Code, i.Name))));
    }

    [Test]
    public void Manager_emails_use_the_reserved_example_domain()
    {
        var emails = Configured().Branches.SelectMany(b => b.ManagerEmails).ToList();

        Assert.That(emails, Is.Not.Empty);
        Assert.That(emails.Where(e => !e.EndsWith(".example", StringComparison.Ordinal)), Is.Empty);
    }

    [Test]
    public void Every_branch_and_advisor_in_the_data_is_in_the_reference()
    {
        var reference = Configured();
        var branches = reference.Branches.Select(b => b.Code).ToHashSet(StringComparer.Ordinal);
        var advisors = reference.Advisors.ToDictionary(a => a.Id, a => a.Branch, StringComparer.Ordinal);
        var policies = GeneratedDemo.Files.CanonicalPolicyRows().ToList();

        Assert.Multiple(() =>
        {
            Assert.That(policies.Select(r => r["branch_code"]).Where(b => b.Length > 0 && !branches.Contains(b)).Distinct(), Is.Empty);
            Assert.That(policies.Select(r => r["advisor_id"]).Where(a => a.Length > 0 && !advisors.ContainsKey(a)).Distinct(), Is.Empty);
            Assert.That(policies.Where(r => r["advisor_id"].Length > 0 && advisors[r["advisor_id"]] != r["branch_code"]), Is.Empty, "an advisor sells for their own branch");
        });
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Reporting.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Reporting.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
