using Reporting.Worker.CommandLine;

namespace Reporting.IntegrationTests.CommandLine;

/// <summary>
/// Issue 16: a wrong value in any configuration section, set the way ops set it
/// (<c>Section__Key=bad</c> in the environment), stops the built worker before the command does
/// anything: one line on standard error naming the key and the value, exit code 78, no stack trace.
/// The validators themselves are unit-tested one section at a time (<c>StartupValidationTests</c>).
/// </summary>
public sealed class ConfigurationFailureTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-config-cli-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [TestCase("history", "Store__Provider", "mysql", "Store:Provider 'mysql' is not sqlite or postgres")]
    [TestCase("ingest --source policies", "Reference__Branches__2__Code", "B01", "Reference:Branches:2:Code 'B01' is a duplicate of Reference:Branches:0:Code")]
    [TestCase("metrics", "Reports__Morning__CallListRows", "0", "Reports:Morning:CallListRows '0' must be a whole number of rows from 1 to 60")]
    [TestCase("jobs", "Scheduling__Jobs__1__Cron", "every morning", "Scheduling:Jobs:1:Cron 'every morning' is not a valid Quartz cron expression")]
    [TestCase("history", "Schedule__MisfireThreshold", "00:02:00", "Schedule:MisfireThreshold '00:02:00' is in the old Schedule section, now merged into Scheduling")]
    [TestCase("serve", "Business__TimeZone", "Mars/Olympus", "Business:TimeZone 'Mars/Olympus' is not a known time zone")]
    [TestCase("serve", "Delivery__Retry__Attempts", "many", "Delivery:Retry:Attempts 'many' is not a whole number")]
    // Issue 19: each section, for serve and for a plain command.
    [TestCase("serve", "Scheduling__Jobs__0__Cron", "0 0 25 * * ?", "Scheduling:Jobs:0:Cron '0 0 25 * * ?' is not a valid Quartz cron expression")]
    [TestCase("history", "Scheduling__Jobs__0__Cron", "0 0 25 * * ?", "Scheduling:Jobs:0:Cron '0 0 25 * * ?' is not a valid Quartz cron expression")]
    [TestCase("serve", "Store__Provider", "mysql", "Store:Provider 'mysql' is not sqlite or postgres")]
    [TestCase("serve", "Store__Provider", "postgres", "Store:ConnectionString '' is required for Store:Provider=postgres")]
    [TestCase("jobs", "Store__Provider", "postgres", "Store:ConnectionString '' is required for Store:Provider=postgres")]
    [TestCase("jobs pause ingest", "Store__Provider", "postgres", "Store:ConnectionString '' is required for Store:Provider=postgres")]
    [TestCase("serve", "Delivery__Mode", "Carrier", "Delivery:Mode 'Carrier' is not a DeliveryMode")]
    [TestCase("history", "Delivery__Mode", "Carrier", "Delivery:Mode 'Carrier' is not a DeliveryMode")]
    [TestCase("serve", "Sources__policies__Encoding", "latin1", "Sources:policies:Encoding: unknown encoding 'latin1' (use utf-8 or gb18030).")]
    [TestCase("jobs", "Sources__policies__Encoding", "latin1", "Sources:policies:Encoding: unknown encoding 'latin1' (use utf-8 or gb18030).")]
    [TestCase("serve", "Reference__Branches__0__Code", "", "Reference:Branches:0:Code '' is empty")]
    [TestCase("serve", "Metrics__Renewal__GraceDays", "abc", "Metrics:Renewal:GraceDays 'abc' is not a whole number")]
    [TestCase("history", "Metrics__Renewal__GraceDays", "abc", "Metrics:Renewal:GraceDays 'abc' is not a whole number")]
    [TestCase("history", "Business__TimeZone", "Mars/Olympus", "Business:TimeZone 'Mars/Olympus' is not a known time zone")]
    public async Task A_wrong_value_stops_the_command_with_one_line_naming_the_key_and_the_value(string command, string variable, string value, string expected)
    {
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string> { ["Data__Folder"] = _folder, [variable] = value }, command.Split(' '));

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.LastErrorLine, Does.StartWith("Invalid configuration: " + expected));
        Assert.That(result.HasStackTrace, Is.False, result.ToString());
        Assert.That(Directory.EnumerateFileSystemEntries(_folder), Is.Empty, "nothing was created before the configuration was checked");
    }

    [TestCase("serve")]
    [TestCase("history")]
    [TestCase("jobs")]
    public async Task An_invalid_calendar_file_stops_the_command_with_one_line_naming_the_key_and_the_file(string command)
    {
        var calendars = Directory.CreateTempSubdirectory("reporting-calendar-cli-test-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(calendars, "cn-2026.json"), "{ \"Year\": 2026, \"Holidays\": [ broken");
            var result = await WorkerCommand.RunAsync(new Dictionary<string, string> { ["Data__Folder"] = _folder, ["Scheduling__CalendarFolder"] = calendars }, command);

            Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
            Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
            Assert.That(result.LastErrorLine, Does.StartWith($"Invalid configuration: Scheduling:CalendarFolder '{calendars}'").And.Contain("calendar file cn-2026.json cannot be read"));
            Assert.That(result.HasStackTrace, Is.False, result.ToString());
        }
        finally
        {
            Directory.Delete(calendars, recursive: true);
        }
    }

    [Test]
    public async Task Several_wrong_values_are_named_on_one_line()
    {
        var result = await WorkerCommand.RunAsync(
            new Dictionary<string, string>
            {
                ["Data__Folder"] = _folder,
                ["Store__Provider"] = "mysql",
                ["Reference__Branches__1__ManagerEmails__0"] = "not-an-address",
                ["Delivery__Smtp__Port"] = "0",
            },
            "history");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Configuration), result.ToString());
        Assert.That(result.StandardError.Trim().Split('\n'), Has.Length.EqualTo(1), result.ToString());
        Assert.That(result.LastErrorLine, Does.Contain("Store:Provider 'mysql'")
            .And.Contain("Reference:Branches:1:ManagerEmails:0 'not-an-address' is not an email address")
            .And.Contain("Delivery:Smtp:Port must be 1..65535, got 0"));
    }

    [Test]
    public async Task The_shipped_configuration_starts_every_command()
    {
        var result = await WorkerCommand.RunAsync(new Dictionary<string, string> { ["Data__Folder"] = _folder }, "jobs");

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Success), result.ToString());
        Assert.That(result.StandardOutput, Does.Contain("morning").And.Contain("0 30 7 * * ?"));
    }
}
