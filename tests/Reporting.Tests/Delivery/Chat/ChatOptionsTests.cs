using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Delivery.Chat;
using Reporting.Testing;

namespace Reporting.Tests.Delivery.Chat;

/// <summary><c>Delivery:Chat</c>: the robots' two configuration forms, and the start-up checks, which name the key and never print a key or a secret.</summary>
public sealed class ChatOptionsTests
{
    private const string WeComKey = "693a91f6-7aaa-4bc4-97a0-0ec2sifa5aaa";
    private const string DingTalkToken = "0c23aa7d5be1f1e3cd0ad1c1e10ac9d7e0d8b4e1";
    private const string DingTalkSecret = "SEC5a3ecf88f2b3eb50db30ecfc00f53033ac909c99bf7f88fd612bda89d7f3a9dc";
    private static readonly string WeComUrl = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WeComKey;
    private static readonly string DingTalkUrl = "https://oapi.dingtalk.com/robot/send?access_token=" + DingTalkToken;

    /// <summary>The shipped files, the shipped branches, and <paramref name="settings"/> on top, bound and validated as at start-up.</summary>
    private static DeliveryOptions Bind(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryLayout.Config, "delivery.json"))
            .AddJsonFile(Path.Combine(RepositoryLayout.Config, "reference.json"))
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var services = new ServiceCollection().AddReportingDelivery(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<DeliveryOptions>>().Value;
    }

    private static IReadOnlyList<string> Failures(params (string Key, string Value)[] settings)
    {
        try
        {
            Bind(settings);
            return [];
        }
        catch (OptionsValidationException ex)
        {
            return [.. ex.Failures];
        }
    }

    [Test]
    public void The_shipped_configuration_has_no_robot_and_is_valid()
    {
        var options = Bind();

        Assert.That((options.Chat.WeCom.Count, options.Chat.DingTalk.Count), Is.EqualTo((0, 0)));
        Assert.That((options.Chat.MessagesPerWindow, options.Chat.Window), Is.EqualTo((20, TimeSpan.FromMinutes(1))));
    }

    [Test]
    public void A_robot_given_as_its_address_alone_binds()
    {
        var options = Bind(("Delivery:Chat:WeCom:B01", WeComUrl));

        Assert.That(options.Chat.WeCom["B01"].Url, Is.EqualTo(WeComUrl));
    }

    [Test]
    public void A_robot_given_as_an_object_binds_with_its_secret()
    {
        var options = Bind(("Delivery:Chat:DingTalk:group:Url", DingTalkUrl), ("Delivery:Chat:DingTalk:group:Secret", DingTalkSecret));

        Assert.That((options.Chat.DingTalk["group"].Url, options.Chat.DingTalk["group"].Secret), Is.EqualTo((DingTalkUrl, DingTalkSecret)));
    }

    [Test]
    public void A_robot_given_as_its_address_with_the_secret_beside_it_binds_both()
    {
        // Delivery__Chat__DingTalk__B02=https://… and Delivery__Chat__DingTalk__B02__Secret=SEC… in the environment.
        var options = Bind(("Delivery:Chat:DingTalk:B02", DingTalkUrl), ("Delivery:Chat:DingTalk:B02:Secret", DingTalkSecret));

        Assert.That((options.Chat.DingTalk["B02"].Url, options.Chat.DingTalk["B02"].Secret), Is.EqualTo((DingTalkUrl, DingTalkSecret)));
    }

    [Test]
    public void A_robot_of_an_unknown_branch_is_an_error_naming_the_key() =>
        Assert.That(Failures(("Delivery:Chat:WeCom:B99", WeComUrl)),
            Is.EqualTo(new[] { "Delivery:Chat:WeCom:B99 names no branch: 'B99' is not a code of Reference:Branches (use a branch code or 'group')" }));

    [Test]
    public void A_plain_http_address_is_an_error_naming_the_key_and_host_but_not_the_key()
    {
        var failures = Failures(("Delivery:Chat:WeCom:B01", WeComUrl.Replace("https:", "http:", StringComparison.Ordinal)));

        Assert.That(failures, Has.One.StartWith("Delivery:Chat:WeCom:B01 must be an https address: http://qyapi.weixin.qq.com would send"));
        Assert.That(string.Join(" ", failures), Does.Not.Contain(WeComKey));
    }

    [Test]
    public void A_plain_http_address_on_loopback_is_accepted() =>
        Assert.That(Failures(("Delivery:Chat:WeCom:group", "http://127.0.0.1:8080/cgi-bin/webhook/send?key=" + WeComKey)), Is.Empty);

    [Test]
    public void An_address_without_its_key_is_an_error_naming_the_parameter() =>
        Assert.That(Failures(("Delivery:Chat:DingTalk:B01", "https://oapi.dingtalk.com/robot/send?token=x")),
            Is.EqualTo(new[] { "Delivery:Chat:DingTalk:B01 (host oapi.dingtalk.com) has no access_token= in its query: copy the robot's whole webhook address" }));

    [Test]
    public void An_address_that_is_not_one_is_an_error_that_does_not_print_it()
    {
        var failures = Failures(("Delivery:Chat:WeCom:B01", "qyapi.weixin.qq.com/send?key=" + WeComKey));

        Assert.That(failures, Is.EqualTo(new[] { "Delivery:Chat:WeCom:B01 is not an http(s) address (the value is a secret and is not shown)" }));
    }

    [Test]
    public void A_secret_on_a_WeCom_robot_is_an_error_that_does_not_print_it()
    {
        var failures = Failures(("Delivery:Chat:WeCom:B01:Url", WeComUrl), ("Delivery:Chat:WeCom:B01:Secret", DingTalkSecret));

        Assert.That(failures, Has.One.StartWith("Delivery:Chat:WeCom:B01:Secret is set, but WeCom group robots are not signed"));
        Assert.That(string.Join(" ", failures), Does.Not.Contain(DingTalkSecret).And.Not.Contain(WeComKey));
    }

    [TestCase("Delivery:Chat:MessagesPerWindow", "0", "Delivery:Chat:MessagesPerWindow '0' must be 1 or more (the platforms allow 20 a minute)")]
    [TestCase("Delivery:Chat:Window", "00:00:00", "Delivery:Chat:Window '00:00:00' must be positive")]
    [TestCase("Delivery:Chat:ThrottleRetries", "-1", "Delivery:Chat:ThrottleRetries '-1' must be zero or more")]
    [TestCase("Delivery:Chat:Timeout", "-00:00:01", "Delivery:Chat:Timeout '-00:00:01' must be positive")]
    public void Pacing_values_out_of_range_are_errors_naming_the_key(string key, string value, string expected) =>
        Assert.That(Failures((key, value)), Is.EqualTo(new[] { expected }));

    [Test]
    public void The_log_name_of_a_robot_is_its_host_and_key_hash()
    {
        var robot = ChatRobot.From(ChatPlatform.WeCom, "B01", new ChatRobotOptions { Url = WeComUrl }).Robot!;

        Assert.That(robot.Describe(), Is.EqualTo($"WeCom robot qyapi.weixin.qq.com key#{ChatRobot.HashOf(WeComKey)} (B01)"));
        Assert.That(robot.Recipient, Is.EqualTo("wecom:B01:" + ChatRobot.HashOf(WeComKey)));
        Assert.That(ChatRobot.HashOf(WeComKey), Has.Length.EqualTo(8));
    }

    [Test]
    public void An_answer_that_repeats_the_key_or_the_secret_is_scrubbed()
    {
        var robot = ChatRobot.From(ChatPlatform.DingTalk, "B01", new ChatRobotOptions { Url = DingTalkUrl, Secret = DingTalkSecret }).Robot!;

        var scrubbed = robot.Scrub($"bad request to {DingTalkUrl} with token {DingTalkToken} and {DingTalkSecret}");

        Assert.That(scrubbed, Does.Not.Contain(DingTalkToken).And.Not.Contain(DingTalkSecret).And.Contain("***"));
    }
}
