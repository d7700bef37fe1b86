using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Microsoft.Extensions.Logging.Abstractions;
using Reporting.Jobs.Delivery;
using Reporting.Jobs.Demo;
using Reporting.Jobs.Extract;
using Reporting.Jobs.Metrics;
using Reporting.Jobs.Reports;
using Reporting.Jobs.Reports.CommissionWorkbook;
using Reporting.Jobs.Reports.Email;
using Reporting.Jobs.Reports.MorningEmail;
using Reporting.Jobs.Reports.RenewalReview;
using Reporting.Testing;
using Reporting.Testing.Stores;

namespace Reporting.IntegrationTests.Reports;

/// <summary>
/// The morning emails of a demo book (business date 2026-11-21) rendered by headless Chromium, the
/// closest stand-in for a mail client here: a real PNG of the expected size, not blank, with every
/// section heading in the HTML; likewise the renewal review (the latest closed cohort), the commission
/// email of the month to date
/// and an ops alert, all in the one shared layout. With <c>REPORTING_UPDATE_SCREENSHOTS=1</c> the
/// screenshots are also written to <c>docs/screenshots/</c> (morning-email.png, group-email.png,
/// renewal-review-email.png, commission-email.png, ops-alert-email.png) for the documentation.
/// </summary>
[NonParallelizable]
[Category("Services")]
public sealed class EmailScreenshotTests
{
    private const int Width = 800;
    private const int Height = 2400;
    private static readonly DateOnly BusinessDate = new(2026, 11, 21);

    /// <summary>Extracts arrive early the next morning: every load is recorded at 06:05 business time.</summary>
    private static readonly DateTimeOffset LoadedAt = new(2026, 11, 22, 6, 5, 0, TimeSpan.FromHours(8));

    private string _folder = null!;
    private IReadOnlyList<OutgoingMessage> _messages = null!;
    private OutgoingMessage _review = null!;
    private OutgoingMessage _commission = null!;

    [OneTimeSetUp]
    public async Task BuildTheEmailsOfTheDemoBook()
    {
        _folder = Directory.CreateTempSubdirectory("reporting-email-").FullName;
        var demo = Path.Combine(_folder, "demo");
        DemoDataGenerator.Generate(demo, new DemoDataOptions { BusinessDate = BusinessDate, PoliciesPerYear = 6_000, DailyExtractDays = 10 });
        await using var store = await TestStore.CreateAsync("sqlite");
        var reference = TestStore.ConfiguredReference();
        var sources = TestStore.ConfiguredSources();
        var loader = new ExtractLoader(store.Store, reference, new FixedTime(LoadedAt), NullLogger<ExtractLoader>.Instance);
        foreach (var source in sources.Sources.Values.Where(s => s.Enabled && s.Kind == SourceKind.Csv))
        {
            await loader.ScanAsync(source, Path.Combine(demo, source.Folder));
        }

        var context = new ReportContext(store.Store, sources, reference, MetricsOptions.CreateDefault(), new DeliveryOptions { GroupRecipients = ["gm@dealer.example"] });
        _messages = await MorningReport.BuildAsync(context, BusinessDate);
        _review = (await RenewalReviewReport.BuildAsync(context, BusinessDate)).Emails.Single(e => e.Key.EndsWith("/B01", StringComparison.Ordinal));
        // The demo's extracts cover the days before the business date: November to date, as `run commission --date` gives it.
        _commission = (await CommissionReport.BuildAsync(context, BusinessDate, BusinessMonth.Of(BusinessDate))).Email;
    }

    [OneTimeTearDown]
    public void DeleteTheFolder() => Directory.Delete(_folder, recursive: true);

    [Test]
    public async Task The_branch_email_renders_in_Chromium_with_every_section()
    {
        var message = _messages.Single(m => m.Key == "morning/2026-11-21/B01");

        Assert.That(message.HtmlBody, Does.Contain("一、昨日续保").And.Contain("二、本月续保").And.Contain("三、分时段转化")
            .And.Contain("四、待跟进名单").And.Contain("五、本月送修").And.Contain("数据更新情况"));
        await AssertScreenshotAsync(message, "morning-email.png");
    }

    [Test]
    public async Task The_group_email_renders_in_Chromium_with_every_section()
    {
        var message = _messages.Single(m => m.Key == "morning/2026-11-21/group");

        Assert.That(message.HtmlBody, Does.Contain("一、集团概况").And.Contain("二、门店排名").And.Contain("数据更新情况"));
        await AssertScreenshotAsync(message, "group-email.png");
    }

    [Test]
    public async Task The_renewal_review_email_renders_in_Chromium_in_the_shared_layout()
    {
        Assert.That(_review.HtmlBody, Does.Contain("续保率").And.Contain("分时段转化").And.Contain("战败原因").And.Contain("本邮件由报表系统自动生成"));
        await AssertScreenshotAsync(_review, "renewal-review-email.png");
    }

    [Test]
    public async Task The_commission_email_renders_in_Chromium_in_the_shared_layout()
    {
        Assert.That(_commission.HtmlBody, Does.Contain("门店汇总").And.Contain("集团合计").And.Contain("本邮件由报表系统自动生成"));
        await AssertScreenshotAsync(_commission, "commission-email.png");
    }

    [Test]
    public async Task An_ops_alert_renders_in_Chromium_in_the_shared_layout()
    {
        var alert = new OutgoingMessage(
            "alert/incomplete/morning/2026-11-21",
            ["ops@dealer.example"],
            "【告警】morning 2026-11-21 数据不完整，已带提示发送",
            OpsAlertEmail.Render("alert/incomplete/morning/2026-11-21", "【告警】morning 2026-11-21 数据不完整，已带提示发送", "Missing extracts at the deadline: claims. The reports went out with a data-incomplete banner."),
            []);

        Assert.That(alert.HtmlBody, Does.Contain("Missing extracts at the deadline: claims.").And.Contain("本邮件由报表系统自动生成"));
        await AssertScreenshotAsync(alert, "ops-alert-email.png");
    }

    private async Task AssertScreenshotAsync(OutgoingMessage message, string name)
    {
        var html = Path.Combine(_folder, Path.ChangeExtension(name, ".html"));
        await File.WriteAllTextAsync(html, message.HtmlBody);
        var png = Path.Combine(_folder, name);

        await ScreenshotAsync(html, png);

        Assert.That(File.Exists(png), Is.True, "Chromium wrote no screenshot");
        var image = Png.Read(await File.ReadAllBytesAsync(png));
        Assert.That((image.Width, image.Height), Is.EqualTo((Width, Height)));
        Assert.That(image.DistinctGreys, Is.GreaterThan(20), "the screenshot is blank");
        Assert.That(image.DarkPixelShare, Is.GreaterThan(0.005), "no text on the page");

        if (Environment.GetEnvironmentVariable("REPORTING_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = Path.Combine(RepositoryLayout.Root, "docs", "screenshots");
            Directory.CreateDirectory(docs);
            File.Copy(png, Path.Combine(docs, name), overwrite: true);
        }
    }

    private async Task ScreenshotAsync(string html, string png)
    {
        var chromium = File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : "chromium";
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--hide-scrollbars", "--user-data-dir=" + Path.Combine(_folder, "chromium-profile"),
            $"--window-size={Width},{Height}", "--screenshot=" + png, new Uri(html).AbsoluteUri,
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Chromium did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("Chromium did not finish within 60 s");
        }

        Assert.That(process.ExitCode, Is.Zero, $"Chromium failed: {await output} {await errors}");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now.ToUniversalTime();
    }

    /// <summary>Just enough of PNG to check a screenshot: size, and the grey levels of its pixels.</summary>
    private sealed record Png(int Width, int Height, int DistinctGreys, double DarkPixelShare)
    {
        private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

        public static Png Read(byte[] file)
        {
            Assert.That(file.AsSpan(0, 8).SequenceEqual(Signature), Is.True, "not a PNG file");
            int width = 0, height = 0, channels = 0;
            using var idat = new MemoryStream();
            for (var at = 8; at < file.Length;)
            {
                var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(at));
                var type = System.Text.Encoding.ASCII.GetString(file, at + 4, 4);
                var data = file.AsSpan(at + 8, length);
                if (type == "IHDR")
                {
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    Assert.That((data[8], data[12]), Is.EqualTo(((byte)8, (byte)0)), "8-bit, not interlaced");
                    channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                    Assert.That(channels, Is.Not.Zero, "grey or RGB(A) colour");
                }
                else if (type == "IDAT")
                {
                    idat.Write(data);
                }

                at += 12 + length;
            }

            idat.Position = 0;
            using var inflated = new MemoryStream();
            using (var zlib = new ZLibStream(idat, CompressionMode.Decompress))
            {
                zlib.CopyTo(inflated);
            }

            var pixels = Unfilter(inflated.ToArray(), width, height, channels);
            var greys = new HashSet<int>();
            long dark = 0;
            for (var i = 0; i < pixels.Length; i += channels)
            {
                var grey = channels >= 3 ? (pixels[i] + pixels[i + 1] + pixels[i + 2]) / 3 : pixels[i];
                greys.Add(grey);
                dark += grey < 128 ? 1 : 0;
            }

            return new Png(width, height, greys.Count, (double)dark / ((long)width * height));
        }

        private static byte[] Unfilter(byte[] data, int width, int height, int bpp)
        {
            var stride = width * bpp;
            var pixels = new byte[stride * height];
            for (var y = 0; y < height; y++)
            {
                var filter = data[y * (stride + 1)];
                var row = y * (stride + 1) + 1;
                for (var x = 0; x < stride; x++)
                {
                    int a = x >= bpp ? pixels[(y * stride) + x - bpp] : 0;
                    int b = y > 0 ? pixels[((y - 1) * stride) + x] : 0;
                    int c = x >= bpp && y > 0 ? pixels[((y - 1) * stride) + x - bpp] : 0;
                    var predictor = filter switch
                    {
                        0 => 0,
                        1 => a,
                        2 => b,
                        3 => (a + b) / 2,
                        4 => Paeth(a, b, c),
                        _ => throw new InvalidDataException($"PNG filter {filter}"),
                    };
                    pixels[(y * stride) + x] = unchecked((byte)(data[row + x] + predictor));
                }
            }

            return pixels;
        }

        private static int Paeth(int a, int b, int c)
        {
            var p = a + b - c;
            int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
