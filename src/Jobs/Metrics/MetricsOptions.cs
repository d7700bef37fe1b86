// SPEC §3 defaults (renewal coverage, grace, windows, targets, commission schedules, bands, bonuses) as typed options.
using System.Globalization;
using Microsoft.Extensions.Options;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Metrics;

/// <summary>
/// The <c>Metrics</c> section of <c>config/metrics.json</c>: every constant the rules of SPEC §3
/// use. Scalars default to SPEC's values; lists start empty (the configuration binder appends to a
/// pre-filled list, so defaults there would be doubled) and are filled by the configuration file,
/// or by <see cref="CreateDefault"/> in code and tests.
/// </summary>
public sealed class MetricsOptions
{
    public const string SectionName = "Metrics";

    public RenewalOptions Renewal { get; set; } = new();

    public ReferralOptions Referral { get; set; } = new();

    public CommissionOptions Commission { get; set; } = new();

    public IncentiveOptions Incentive { get; set; } = new();

    /// <summary>The defaults of SPEC §3, as <c>config/metrics.json</c> ships them.</summary>
    public static MetricsOptions CreateDefault() => new()
    {
        Renewal = new RenewalOptions
        {
            Windows =
            [
                new ExpiryWindowOptions { Name = "W90", LowerDays = 61, UpperDays = 90 },
                new ExpiryWindowOptions { Name = "W60", LowerDays = 46, UpperDays = 60 },
                new ExpiryWindowOptions { Name = "W45", LowerDays = 31, UpperDays = 45 },
                new ExpiryWindowOptions { Name = "W30", LowerDays = 1, UpperDays = 30 },
                new ExpiryWindowOptions { Name = "W0", LowerDays = -30, UpperDays = 0 },
            ],
        },
        Commission = new CommissionOptions
        {
            DefaultSchedule =
            [
                new CommissionTierOptions { Name = "A", MinWrittenPremium = 1_000_000m, MaxLossRatio = 0.55m, CommercialRate = 0.18m, CtplRate = 0.04m },
                new CommissionTierOptions { Name = "B", MinWrittenPremium = 300_000m, MaxLossRatio = 0.65m, CommercialRate = 0.15m, CtplRate = 0.04m },
                new CommissionTierOptions { Name = "C", MinWrittenPremium = 0m, MaxLossRatio = null, CommercialRate = 0.12m, CtplRate = 0.04m },
            ],
        },
        Incentive = new IncentiveOptions
        {
            Bands =
            [
                new PremiumBandOptions { MinPremium = 0m, Incentive = 10m, PromotionCost = 50m },
                new PremiumBandOptions { MinPremium = 2000m, Incentive = 15m, PromotionCost = 80m },
                new PremiumBandOptions { MinPremium = 3000m, Incentive = 20m, PromotionCost = 140m },
                new PremiumBandOptions { MinPremium = 4000m, Incentive = 25m, PromotionCost = 198m },
                new PremiumBandOptions { MinPremium = 5000m, Incentive = 30m, PromotionCost = 280m },
                new PremiumBandOptions { MinPremium = 6000m, Incentive = 40m, PromotionCost = 350m },
            ],
            RankingBonuses = [300m, 200m, 100m],
        },
    };
}

/// <summary>SPEC §3.1 and §3.2: which coverage is chased, the grace after expiry, the call-plan windows.</summary>
public sealed class RenewalOptions
{
    /// <summary>The coverage whose policies form the cohort (SPEC default COMMERCIAL).</summary>
    public Coverage Coverage { get; set; } = Coverage.COMMERCIAL;

    /// <summary>
    /// Calendar days after expiry during which an unrenewed policy is pending, not lapsed. Days, not
    /// a <see cref="TimeSpan"/>: they are added to <see cref="DateOnly"/> business dates, where a
    /// fraction of a day has no meaning, and the name carries the unit.
    /// </summary>
    public int GraceDays { get; set; } = 30;

    /// <summary>Renewal-rate target for a branch without its own (SPEC default 0.70).</summary>
    public decimal Target { get; set; } = 0.70m;

    /// <summary>Per-branch renewal-rate targets, by branch code.</summary>
    public Dictionary<string, decimal> BranchTargets { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The expiry windows of SPEC §3.2, top (longest lead) first, not overlapping.</summary>
    public List<ExpiryWindowOptions> Windows { get; set; } = [];

    public decimal TargetFor(string branchCode) =>
        BranchTargets.TryGetValue(branchCode, out var target) ? target : Target;
}

/// <summary>An inclusive range of lead days (到期时段), e.g. <c>W45</c> = 31 … 45.</summary>
public sealed class ExpiryWindowOptions
{
    public string Name { get; set; } = "";

    public int LowerDays { get; set; }

    public int UpperDays { get; set; }

    public bool Contains(int leadDays) => leadDays >= LowerDays && leadDays <= UpperDays;
}

/// <summary>SPEC §3.3: the referral target agreed with each insurer (a contract of "1 : 0.5" is 0.5).</summary>
public sealed class ReferralOptions
{
    public decimal Target { get; set; } = 0.5m;

    /// <summary>Per-insurer referral targets, by insurer code.</summary>
    public Dictionary<string, decimal> InsurerTargets { get; set; } = new(StringComparer.Ordinal);

    public decimal TargetFor(string insurerCode) =>
        InsurerTargets.TryGetValue(insurerCode, out var target) ? target : Target;
}

/// <summary>SPEC §3.4: commission schedules and the regulatory CTPL cap.</summary>
public sealed class CommissionOptions
{
    /// <summary>The regulatory cap on the CTPL commission rate (SPEC default 0.04).</summary>
    public decimal CtplRateCap { get; set; } = 0.04m;

    /// <summary>The schedule of every insurer without its own, best tier first.</summary>
    public List<CommissionTierOptions> DefaultSchedule { get; set; } = [];

    /// <summary>Insurer-specific schedules, by insurer code, best tier first.</summary>
    public Dictionary<string, List<CommissionTierOptions>> InsurerSchedules { get; set; } = new(StringComparer.Ordinal);

    public IReadOnlyList<CommissionTierOptions> ScheduleFor(string insurerCode) =>
        InsurerSchedules.TryGetValue(insurerCode, out var schedule) && schedule.Count > 0 ? schedule : DefaultSchedule;
}

/// <summary>A commission tier (档位): scale and quality conditions, and a rate per coverage.</summary>
public sealed class CommissionTierOptions
{
    public string Name { get; set; } = "";

    /// <summary>Minimum monthly written premium, inclusive.</summary>
    public decimal MinWrittenPremium { get; set; }

    /// <summary>Maximum loss ratio, inclusive; <c>null</c> = no condition.</summary>
    public decimal? MaxLossRatio { get; set; }

    public decimal CommercialRate { get; set; }

    /// <summary>The CTPL rate before the cap of <see cref="CommissionOptions.CtplRateCap"/>.</summary>
    public decimal CtplRate { get; set; }
}

/// <summary>SPEC §3.5: premium bands and the ranking bonuses.</summary>
public sealed class IncentiveOptions
{
    /// <summary>Bands by ascending lower bound (inclusive); the first starts at 0.</summary>
    public List<PremiumBandOptions> Bands { get; set; } = [];

    /// <summary>Bonus of rank 1, 2, 3 … (SPEC default 300, 200, 100).</summary>
    public List<decimal> RankingBonuses { get; set; } = [];
}

/// <summary>A commercial-premium band: from <see cref="MinPremium"/> (inclusive) to the next band's.</summary>
public sealed class PremiumBandOptions
{
    public decimal MinPremium { get; set; }

    public decimal Incentive { get; set; }

    public decimal PromotionCost { get; set; }
}

/// <summary>
/// Start-up validation of <see cref="MetricsOptions"/>; each message names the configuration key
/// and the bad value, e.g. <c>Metrics:Renewal:GraceDays must be 0 or more; got -1.</c>
/// </summary>
public sealed class MetricsOptionsValidator : IValidateOptions<MetricsOptions>
{
    private const string Root = MetricsOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, MetricsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        ValidateRenewal(options.Renewal, errors);
        ValidateReferral(options.Referral, errors);
        ValidateCommission(options.Commission, errors);
        ValidateIncentive(options.Incentive, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateRenewal(RenewalOptions? renewal, List<string> errors)
    {
        const string key = Root + ":Renewal";
        if (renewal is null)
        {
            errors.Add($"{key} is missing.");
            return;
        }

        if (!Enum.IsDefined(renewal.Coverage))
        {
            errors.Add($"{key}:Coverage must be CTPL or COMMERCIAL; got '{renewal.Coverage}'.");
        }

        if (renewal.GraceDays < 0)
        {
            errors.Add($"{key}:GraceDays must be 0 or more; got {Show(renewal.GraceDays)}.");
        }

        Ratio($"{key}:Target", renewal.Target, errors);
        foreach (var (branch, target) in renewal.BranchTargets)
        {
            Ratio($"{key}:BranchTargets:{branch}", target, errors);
        }

        var windows = renewal.Windows ?? [];
        if (windows.Count == 0)
        {
            errors.Add($"{key}:Windows must list at least one expiry window; got none.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < windows.Count; i++)
        {
            var window = windows[i];
            var at = $"{key}:Windows:{Show(i)}";
            if (string.IsNullOrWhiteSpace(window.Name))
            {
                errors.Add($"{at}:Name must not be empty; got '{window.Name}'.");
            }
            else if (string.Equals(window.Name, ExpiryWindowConversion.Early, StringComparison.Ordinal))
            {
                errors.Add($"{at}:Name '{window.Name}' is reserved for renewals above the top window.");
            }
            else if (!names.Add(window.Name))
            {
                errors.Add($"{at}:Name '{window.Name}' is used by another window.");
            }

            if (window.LowerDays > window.UpperDays)
            {
                errors.Add($"{at}:LowerDays must not exceed UpperDays; got {Show(window.LowerDays)} > {Show(window.UpperDays)}.");
            }

            if (i > 0 && window.UpperDays >= windows[i - 1].LowerDays)
            {
                errors.Add($"{at}:UpperDays must be below the LowerDays of the window before it ({Show(windows[i - 1].LowerDays)}): windows are listed top first and do not overlap; got {Show(window.UpperDays)}.");
            }
        }
    }

    private static void ValidateReferral(ReferralOptions? referral, List<string> errors)
    {
        const string key = Root + ":Referral";
        if (referral is null)
        {
            errors.Add($"{key} is missing.");
            return;
        }

        NonNegative($"{key}:Target", referral.Target, errors);
        foreach (var (insurer, target) in referral.InsurerTargets)
        {
            NonNegative($"{key}:InsurerTargets:{insurer}", target, errors);
        }
    }

    private static void ValidateCommission(CommissionOptions? commission, List<string> errors)
    {
        const string key = Root + ":Commission";
        if (commission is null)
        {
            errors.Add($"{key} is missing.");
            return;
        }

        Ratio($"{key}:CtplRateCap", commission.CtplRateCap, errors);
        ValidateSchedule($"{key}:DefaultSchedule", commission.DefaultSchedule, errors);
        foreach (var (insurer, schedule) in commission.InsurerSchedules)
        {
            ValidateSchedule($"{key}:InsurerSchedules:{insurer}", schedule, errors);
        }
    }

    private static void ValidateSchedule(string key, List<CommissionTierOptions>? tiers, List<string> errors)
    {
        if (tiers is null || tiers.Count == 0)
        {
            errors.Add($"{key} must list at least one tier; got none.");
            return;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var at = $"{key}:{Show(i)}";
            if (string.IsNullOrWhiteSpace(tier.Name))
            {
                errors.Add($"{at}:Name must not be empty; got '{tier.Name}'.");
            }
            else if (!names.Add(tier.Name))
            {
                errors.Add($"{at}:Name '{tier.Name}' is used by another tier of the schedule.");
            }

            NonNegative($"{at}:MinWrittenPremium", tier.MinWrittenPremium, errors);
            if (tier.MaxLossRatio is { } max)
            {
                NonNegative($"{at}:MaxLossRatio", max, errors);
            }

            Ratio($"{at}:CommercialRate", tier.CommercialRate, errors);
            Ratio($"{at}:CtplRate", tier.CtplRate, errors);
        }
    }

    private static void ValidateIncentive(IncentiveOptions? incentive, List<string> errors)
    {
        const string key = Root + ":Incentive";
        if (incentive is null)
        {
            errors.Add($"{key} is missing.");
            return;
        }

        var bands = incentive.Bands ?? [];
        if (bands.Count == 0)
        {
            errors.Add($"{key}:Bands must list at least one premium band; got none.");
        }

        for (var i = 0; i < bands.Count; i++)
        {
            var band = bands[i];
            var at = $"{key}:Bands:{Show(i)}";
            if (i == 0 && band.MinPremium != 0m)
            {
                errors.Add($"{at}:MinPremium of the first band must be 0; got {Show(band.MinPremium)}.");
            }

            if (i > 0 && band.MinPremium <= bands[i - 1].MinPremium)
            {
                errors.Add($"{at}:MinPremium must be above the band before it ({Show(bands[i - 1].MinPremium)}); got {Show(band.MinPremium)}.");
            }

            NonNegative($"{at}:Incentive", band.Incentive, errors);
            NonNegative($"{at}:PromotionCost", band.PromotionCost, errors);
        }

        var bonuses = incentive.RankingBonuses ?? [];
        for (var i = 0; i < bonuses.Count; i++)
        {
            NonNegative($"{key}:RankingBonuses:{Show(i)}", bonuses[i], errors);
        }
    }

    private static void NonNegative(string key, decimal value, List<string> errors)
    {
        if (value < 0m)
        {
            errors.Add($"{key} must be 0 or more; got {Show(value)}.");
        }
    }

    private static void Ratio(string key, decimal value, List<string> errors)
    {
        if (value < 0m || value > 1m)
        {
            errors.Add($"{key} must be a ratio between 0 and 1 (0.18 for 18 %); got {Show(value)}.");
        }
    }

    private static string Show(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Show(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
