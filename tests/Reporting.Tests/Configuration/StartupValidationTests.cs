using Microsoft.Extensions.Options;
using Reporting.Worker.CommandLine;
using Reporting.Worker.Hosting;

namespace Reporting.Tests.Configuration;

/// <summary>
/// Issue 16: every configuration section is validated at start-up, one way
/// (<c>AddValidatedOptions</c>): a wrong value in any of them stops the worker, before any command
/// runs, with one line that names the key and the value, and exit code 78. Each case builds the
/// worker's real host on the shipped <c>config/*.json</c> with one setting overridden.
/// </summary>
public sealed class StartupValidationTests
{
    private string _folder = "";

    [SetUp]
    public void CreateFolder() => _folder = Directory.CreateTempSubdirectory("reporting-config-test-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void The_shipped_configuration_validates()
    {
        using var host = Build([]);

        Assert.That(host, Is.Not.Null);
    }

    [TestCase("Data:Folder", "data\0", "Data:Folder 'data\\u0000' is not a folder path")]
    [TestCase("Business:TimeZone", "Asia/Beijing", "Business:TimeZone 'Asia/Beijing' is not a known time zone")]
    [TestCase("Store:Provider", "mysql", "Store:Provider 'mysql' is not sqlite or postgres")]
    [TestCase("Store:Provider", "postgres", "Store:ConnectionString '' is required for Store:Provider=postgres")]
    [TestCase("Reference:Branches:2:Code", "B01", "Reference:Branches:2:Code 'B01' is a duplicate of Reference:Branches:0:Code")]
    [TestCase("Reference:Branches:1:ManagerEmails:0", "not-an-address", "Reference:Branches:1:ManagerEmails:0 'not-an-address' is not an email address")]
    [TestCase("Reference:Advisors:0:Branch", "B99", "Reference:Advisors:0:Branch 'B99' is not a branch code of Reference:Branches")]
    [TestCase("Reference:Insurers:1:Code", "", "Reference:Insurers:1:Code '' is empty")]
    [TestCase("Sources:policies:Delimiter", ";;", "Sources:policies:Delimiter must be one character, got ';;'")]
    [TestCase("Sources:policies:Kind", "Ftp", "Sources:policies:Kind 'Ftp' is not a SourceKind")]
    [TestCase("Sources:picc_policies_sftp:Pull:Sftp:Port", "0", "Sources:picc_policies_sftp:Pull:Sftp:Port must be between 1 and 65535, got 0")]
    [TestCase("Sources:picc_policies_sftp:Pull:Sftp:HostKeySha256", "", "Sources:picc_policies_sftp:Pull:Sftp:HostKeySha256 is required")]
    [TestCase("Metrics:Renewal:GraceDays", "-3", "Metrics:Renewal:GraceDays must be 0 or more; got -3")]
    [TestCase("Delivery:Smtp:Port", "0", "Delivery:Smtp:Port must be 1..65535, got 0")]
    [TestCase("Delivery:From", "nobody", "Delivery:From is not an address: 'nobody'")]
    [TestCase("Reports:Morning:CallListRows", "0", "Reports:Morning:CallListRows '0' must be a whole number of rows from 1 to 60")]
    [TestCase("Reports:Morning:CallListRows", "fifty", "Reports:Morning:CallListRows 'fifty' is not a whole number")]
    [TestCase("Scheduling:ClaimLease", "-00:01:00", "Scheduling:ClaimLease '-00:01:00' must be positive")]
    [TestCase("Scheduling:Freshness:PollInterval", "00:00:00", "Scheduling:Freshness:PollInterval '00:00:00' must be positive")]
    [TestCase("Delivery:Retry:Attempts", "0", "Delivery:Retry:Attempts '0' must be 1 or more")]
    [TestCase("Delivery:Retry:FirstDelay", "soon", "Delivery:Retry:FirstDelay 'soon' is not a duration (hh:mm:ss)")]
    [TestCase("Scheduling:Retry:Attempts", "2", "Scheduling:Retry:Attempts '2' has moved to Delivery:Retry (the retries of a send are delivery's): rename Scheduling:Retry:* to Delivery:Retry:*")]
    [TestCase("Scheduling:MisfireThreshold", "-00:01:00", "Scheduling:MisfireThreshold '-00:01:00' must be positive")]
    [TestCase("Scheduling:Jobs:1:Cron", "every morning", "Scheduling:Jobs:1:Cron 'every morning' is not a valid Quartz cron expression")]
    [TestCase("Scheduling:Jobs:1:Name", "evening", "Scheduling:Jobs:1:Name 'evening' is not a job")]
    [TestCase("Schedule:MisfireThreshold", "00:02:00", "Schedule:MisfireThreshold '00:02:00' is in the old Schedule section, now merged into Scheduling: rename Schedule:* to Scheduling:*")]
    public void A_wrong_value_stops_the_start_up_with_one_line_naming_the_key_and_the_value(string key, string value, string expected)
    {
        var failure = Failure(new() { [key] = value });

        Assert.That(failure.ExitCode, Is.EqualTo(ExitCodes.Configuration));
        Assert.That(failure.Message, Does.StartWith("Invalid configuration: " + expected));
        Assert.That(failure.Message, Does.Not.Contain('\n').And.Not.Contain("Microsoft.").And.Not.Contain("DataAnnotation").And.Not.Contain("validation error"));
    }

    [Test]
    public void Several_wrong_values_are_all_named_on_one_line()
    {
        var failure = Failure(new() { ["Store:Provider"] = "mysql", ["Reference:Branches:2:Code"] = "B01", ["Scheduling:Jobs:1:Cron"] = "every morning" });

        Assert.That(failure.Message, Does.Contain("Store:Provider 'mysql'").And.Contain("Reference:Branches:2:Code 'B01'").And.Contain("Scheduling:Jobs:1:Cron 'every morning'"));
        Assert.That(failure.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void A_wrong_business_time_zone_is_named_once()
    {
        var failure = Failure(new() { ["Business:TimeZone"] = "Mars/Olympus" });

        Assert.That(failure.Message.Split("Business:TimeZone 'Mars/Olympus'"), Has.Length.EqualTo(2), failure.Message);
    }

    [Test]
    public void The_service_host_validates_the_same_way()
    {
        Assert.That(
            () => ReportingHost.Build(Overrides(new() { ["Scheduling:Jobs:1:Cron"] = "every morning" }), Reporting.Testing.RepositoryLayout.Root, interactive: false,
                configure: builder => Reporting.Worker.Scheduling.SchedulingExtensions.AddReportingScheduler(builder)),
            Throws.TypeOf<OptionsValidationException>().With.Message.Contains("Scheduling:Jobs:1:Cron 'every morning' is not a valid Quartz cron expression"));
    }

    private CommandFailure Failure(Dictionary<string, string?> overrides)
    {
        try
        {
            using var host = Build(overrides);
        }
        catch (Exception ex)
        {
            return FailureClassifier.Classify(ex, store: null);
        }

        Assert.Fail("the host was built");
        throw new InvalidOperationException("unreachable");
    }

    private Microsoft.Extensions.Hosting.IHost Build(Dictionary<string, string?> overrides) =>
        ReportingHost.Build(Overrides(overrides), Reporting.Testing.RepositoryLayout.Root);

    private Dictionary<string, string?> Overrides(Dictionary<string, string?> overrides)
    {
        overrides.TryAdd("Data:Folder", _folder);
        return overrides;
    }
}
