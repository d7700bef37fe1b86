// Why one file (about 850 lines): the simulation is one sequence of draws from one Random, car by
// car and event by event, and that order is the demo data's contract (the same seed gives the same
// files). Split across files, a reader could not see the order of the draws, which is what a change
// here must keep.
using System.Globalization;
using Reporting.Jobs.Domain;

namespace Reporting.Jobs.Demo;

/// <summary>
/// Simulates the dealer group car by car. Each car enters once — bought new at a store, or already
/// on the road and due for renewal in the first year of the history — and lives its years at once:
/// a 交强险 and 商业险 pair per year, claims, perhaps a cancellation, then at every expiry a
/// renewal (same store, another store, another insurer, outside the group, too late) or a lapse,
/// with the store's follow-up calls before it. Only the car's state is held, so any scale streams.
/// </summary>
/// <remarks>
/// Everything is drawn from one <see cref="Random"/> in a fixed order: cars in order of entry
/// date, their events in order of time. Changing the order of any draw changes every file.
/// </remarks>
internal sealed class DemoSimulation
{
    // The share of a year's cars that have a policy in the data the next year (renewed anywhere,
    // not cancelled, not lapsed); new cars replace the rest so each year has about the same size.
    private const double Continuation = 0.71;

    // Claims per car and year on the commercial policy, before the store's own factor, and the
    // median repair value (定损金额) before the brand's factor.
    private const double CommercialClaimRate = 0.5;
    private const double CtplClaimRate = 0.07;
    private const double MedianRepair = 2_800;
    private const double RepairSpread = 0.85;

    private const double CancellationRate = 0.06;
    private const double EmptyAdvisorRate = 0.04;

    // Car sales by month: the year-end push and the run-up to Spring Festival, the holiday
    // itself, the "golden September, silver October" (金九银十) season.
    private static readonly double[] MonthSeason = [1.25, 0.70, 1.00, 0.95, 1.00, 1.05, 0.90, 0.95, 1.10, 1.10, 1.00, 1.30];
    private static readonly double SeasonMean = MonthSeason.Average();
    private static readonly decimal[] BandBoundaries = [2_000m, 3_000m, 4_000m, 5_000m, 6_000m];
    private static readonly FollowUpOutcome[] OpenOutcomes = [FollowUpOutcome.NO_ANSWER, FollowUpOutcome.CALLBACK, FollowUpOutcome.QUOTED];
    private static readonly LostReason[] OutsideReasons =
        [LostReason.INSURED_ELSEWHERE, LostReason.INSURED_ELSEWHERE, LostReason.PRICE, LostReason.FRIEND_AT_INSURER];

    private readonly Random _random;
    private readonly Random _callLog;
    private readonly double _followUpCallShare;
    private readonly DemoExtracts _extracts;
    private readonly IReadOnlyList<BranchProfile> _branches;
    private readonly IReadOnlyList<DemoInsurer> _insurers;
    private readonly double[] _branchCumulative;
    private readonly double[] _groupInsurerShares;
    private readonly DateOnly _start;
    private readonly DateOnly _end;
    private readonly double _newCarsPerDay;
    private readonly double _carsOnTheRoadPerDay;
    private readonly double[,] _externalReferralsPerDay;
    private readonly long[] _policySequence;
    private readonly long[] _claimSequence;
    private long _followUpSequence;
    private long _vehicleSerial;

    public DemoSimulation(DemoDataOptions options, DemoDealerGroup group, DemoExtracts extracts)
    {
        _random = new Random(options.Seed);
        _callLog = new Random(unchecked(options.Seed * 31 + 17));
        _followUpCallShare = options.FollowUpCallShare;
        _extracts = extracts;
        _branches = group.Profiles;
        _insurers = group.Insurers;
        _start = options.HistoryStart;
        _end = options.BusinessDate;
        _policySequence = new long[_insurers.Count];
        _claimSequence = new long[_insurers.Count];

        var totalWeight = _branches.Sum(b => b.Weight);
        _branchCumulative = new double[_branches.Count];
        _groupInsurerShares = new double[_insurers.Count];
        var running = 0.0;
        for (var b = 0; b < _branches.Count; b++)
        {
            running += _branches[b].Weight / totalWeight;
            _branchCumulative[b] = running;
            for (var i = 0; i < _insurers.Count; i++)
            {
                _groupInsurerShares[i] += _branches[b].Weight / totalWeight * _branches[b].InsurerShares[i];
            }
        }

        var carsPerYear = options.PoliciesPerYear / 2.0;
        _newCarsPerDay = carsPerYear * (1 - Continuation) / 365.0;
        _carsOnTheRoadPerDay = carsPerYear * Continuation / 365.0;

        // Insurers send repairs of their other customers to the stores (推荐送修): that is what the
        // store's 送修比 is about. Each store and insurer gets a steady flow worth 5–35 % of the
        // premium the store writes with that insurer; with the store's own customers' referred
        // repairs, some pairs beat the 0.5 target and some fall short.
        _externalReferralsPerDay = new double[_branches.Count, _insurers.Count];
        for (var b = 0; b < _branches.Count; b++)
        {
            var profile = _branches[b];
            var premium = (double)((profile.Brand.MinPremium + profile.Brand.MaxPremium) / 2 * 0.85m + 950m);
            var severity = MedianRepair * Math.Exp(RepairSpread * RepairSpread / 2) * profile.Brand.RepairCostFactor;
            for (var i = 0; i < _insurers.Count; i++)
            {
                var written = carsPerYear * profile.Weight / totalWeight * profile.InsurerShares[i] * premium / 365.0;
                _externalReferralsPerDay[b, i] = written * (0.05 + 0.30 * _random.NextDouble()) / severity;
            }
        }
    }

    public long Vehicles { get; private set; }

    public long Policies { get; private set; }

    public long Claims { get; private set; }

    public long FollowUps { get; private set; }

    public void Run(CancellationToken cancellationToken)
    {
        var onTheRoadUntil = _start.AddDays(365);
        for (var day = _start; day <= _end; day = day.AddDays(1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var season = MonthSeason[day.Month - 1] / SeasonMean;
            if (day < onTheRoadUntil)
            {
                for (var n = Draw(_carsOnTheRoadPerDay * season); n > 0; n--)
                {
                    Vehicle(day, onTheRoad: true);
                }
            }

            for (var n = Draw(_newCarsPerDay * season); n > 0; n--)
            {
                Vehicle(day, onTheRoad: false);
            }

            ExternalReferrals(day);
        }
    }

    private void Vehicle(DateOnly entry, bool onTheRoad)
    {
        Vehicles++;
        var home = _branches[PickBranch()];
        var car = NewCar(home, entry, onTheRoad);
        var sale = onTheRoad ? FirstRenewalInHistory(entry, home) : NewCarSale(entry, home);
        while (sale.Issue <= _end)
        {
            var term = Term(car, sale);
            var claims = TermClaims(car, sale, term);
            Reprice(car, claims);
            if (term.CancelDate is not null || sale.Seller is null)
            {
                // Cancelled (sold, scrapped) or now insured outside the group: the group loses
                // sight of the car.
                return;
            }

            if (Renewal(car, sale, term.Commercial) is not { } next)
            {
                return;
            }

            sale = next;
        }
    }

    private Car NewCar(BranchProfile home, DateOnly entry, bool onTheRoad)
    {
        var brand = home.Brand;
        var modelYear = onTheRoad ? entry.Year - _random.Next(1, 7) : entry.Month >= 9 ? entry.Year + 1 : entry.Year;
        var vin = DemoPeople.Vin(_random, brand, modelYear, _vehicleSerial++);
        var company = _random.NextDouble() < 0.04;
        var car = new Car
        {
            Home = home,
            Vin = vin,
            VinInHistory = HistorySpelling(vin),
            CustomerName = company ? DemoPeople.CompanyName(_random, home.District.City) : DemoPeople.PersonName(_random),
            CustomerPhone = DemoPeople.MobilePhone(_random),
            CustomerIdNo = company ? DemoPeople.CreditCode(_random, home.District) : DemoPeople.ResidentId(_random, home.District, entry),
            Plate = DemoPeople.Plate(_random, home.District.City, brand.NewEnergy),
            SevenSeats = _random.NextDouble() < brand.SevenSeatShare,
        };
        if (onTheRoad)
        {
            car.CtplLevel = -_random.Next(0, 4);
            car.CommercialPremium = Math.Max(1_500m, RandomPremium(brand) * (decimal)(0.65 + 0.35 * _random.NextDouble()));
        }
        else
        {
            car.CommercialPremium = RandomPremium(brand);
            // New cars are often insured before the plate is issued (新车未上牌).
            car.PlatePending = _random.NextDouble() < 0.35;
        }

        return car;
    }

    /// <summary>
    /// Insurers' older systems sometimes hand a VIN over in lower case or full-width; the history
    /// extract carries a few of those, which load after normalisation (NFKC, upper case).
    /// </summary>
    private string HistorySpelling(string vin)
    {
        var r = _random.NextDouble();
        if (r < 0.002)
        {
            return vin.ToLowerInvariant();
        }

        if (r < 0.004)
        {
            return string.Create(vin.Length, vin, static (span, source) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    // Half the characters full-width: what a Chinese input method leaves behind.
                    span[i] = i % 2 == 0 ? (char)(source[i] + 0xFEE0) : source[i];
                }
            });
        }

        return vin;
    }

    private Sale NewCarSale(DateOnly day, BranchProfile branch)
    {
        var sellers = branch.Advisors.Where(a => !a.IsRenewalSpecialist).ToArray();
        var advisor = sellers.Length > 0 ? sellers[_random.Next(sellers.Length)] : Pick(branch.Advisors);
        var effective = _random.NextDouble() < 0.7 ? day : day.AddDays(1);
        return new Sale(day, effective, branch, advisor, PickInsurer(branch.InsurerShares), BusinessType.NEW_CAR);
    }

    /// <summary>A car already on the road: its first policy in the data renews one sold before the history.</summary>
    private Sale FirstRenewalInHistory(DateOnly day, BranchProfile branch)
    {
        var lead = DrawLead();
        var effective = lead >= 0 ? day.AddDays(lead + 1) : AfterExpiryEffective(day);
        var type = _random.NextDouble() < 0.85 ? BusinessType.RENEWAL : BusinessType.TRANSFER_IN;
        return new Sale(day, effective, branch, RenewalAdvisor(branch), PickInsurer(branch.InsurerShares), type);
    }

    private TermPolicies Term(Car car, Sale sale)
    {
        var expiry = sale.Effective.AddYears(1).AddDays(-1);
        var advisorId = sale.Advisor is null || _random.NextDouble() < EmptyAdvisorRate ? null : sale.Advisor.Id;
        var plate = car.PlatePending ? null : car.Plate;
        car.PlatePending = false;
        var commercialPremium = LandOnBands(Math.Round(Math.Clamp(car.CommercialPremium, 1_500m, 9_000m), 2, MidpointRounding.AwayFromZero));
        var ctplPremium = (car.SevenSeats ? 1_100m : 950m) * (1m + 0.1m * car.CtplLevel);

        DateOnly? cancel = null;
        if (_random.NextDouble() < CancellationRate)
        {
            var monthEnd = new DateOnly(sale.Issue.Year, sale.Issue.Month, DateTime.DaysInMonth(sale.Issue.Year, sale.Issue.Month));
            var latest = expiry.AddDays(-15);
            cancel = _random.NextDouble() < 0.5 || latest <= monthEnd
                ? sale.Issue.AddDays(_random.Next(monthEnd.DayNumber - sale.Issue.DayNumber + 1))
                : monthEnd.AddDays(1 + _random.Next(latest.DayNumber - monthEnd.DayNumber));
        }

        var insurer = _insurers[sale.Insurer].Code;
        var ctpl = NewPolicy(car, sale, Coverage.CTPL, expiry, ctplPremium, cancel, advisorId, plate, insurer);
        var commercial = NewPolicy(car, sale, Coverage.COMMERCIAL, expiry, commercialPremium, cancel, advisorId, plate, insurer);
        _extracts.Policy(ctpl);
        _extracts.Policy(commercial);
        Policies += 2;
        return new TermPolicies(ctpl, commercial, cancel);
    }

    private DemoPolicy NewPolicy(
        Car car, Sale sale, Coverage coverage, DateOnly expiry, decimal premium, DateOnly? cancel, string? advisorId, string? plate, string insurer)
    {
        var refund = 0m;
        if (cancel is { } c)
        {
            // Cancelled before cover starts: all back; else the unexpired days' share.
            refund = c < sale.Effective
                ? premium
                : Math.Round(
                    premium * (expiry.DayNumber - c.DayNumber) / (expiry.DayNumber - sale.Effective.DayNumber + 1),
                    2,
                    MidpointRounding.AwayFromZero);
        }

        var city = (sale.Seller ?? car.Home).District.City;
        var policy = new Policy(
            insurer,
            PolicyNumber(sale.Insurer, coverage, city, sale.Issue.Year),
            coverage,
            sale.Type,
            sale.Seller?.Branch.Code,
            advisorId,
            car.Vin,
            plate,
            car.CustomerName,
            car.CustomerPhone,
            sale.Issue,
            sale.Effective,
            expiry,
            premium,
            cancel is null ? PolicyStatus.ACTIVE : PolicyStatus.CANCELLED,
            cancel,
            refund);
        return new DemoPolicy(policy, car.CustomerIdNo, car.VinInHistory);
    }

    private int TermClaims(Car car, Sale sale, TermPolicies term)
    {
        var effective = sale.Effective;
        var lastDay = term.CancelDate is { } c ? c.AddDays(-1) : term.Commercial.Policy.ExpiryDate;
        if (lastDay < effective)
        {
            return 0;
        }

        var seller = sale.Seller;
        var city = (seller ?? car.Home).District.City;
        var claimFactor = (seller ?? car.Home).ClaimFactor;
        var commercialClaims = Poisson(CommercialClaimRate * claimFactor);
        var ctplClaims = Poisson(CtplClaimRate);
        for (var n = 0; n < commercialClaims; n++)
        {
            var loss = effective.AddDays(_random.Next(lastDay.DayNumber - effective.DayNumber + 1));
            var amount = RepairValue(car.Home.Brand.RepairCostFactor);
            ClaimOn(new ClaimedPolicy(term.Commercial.Policy, sale.Insurer, city), seller, loss, amount, injury: false);
        }

        for (var n = 0; n < ctplClaims; n++)
        {
            var loss = effective.AddDays(_random.Next(lastDay.DayNumber - effective.DayNumber + 1));
            // 交强险 pays third-party property up to 2 000 yuan; injuries cost more and take long.
            var injury = _random.NextDouble() < 0.25;
            var amount = injury
                ? Math.Round((decimal)(3_000 + 57_000 * Math.Pow(_random.NextDouble(), 2)), 2, MidpointRounding.AwayFromZero)
                : Math.Round((decimal)(300 + 1_700 * _random.NextDouble()), 2, MidpointRounding.AwayFromZero);
            ClaimOn(new ClaimedPolicy(term.Ctpl.Policy, sale.Insurer, city), seller, loss, amount, injury);
        }

        return commercialClaims + ctplClaims;
    }

    private void ClaimOn(ClaimedPolicy policy, BranchProfile? seller, DateOnly loss, decimal assessed, bool injury)
    {
        var r = _random.NextDouble();
        var report = loss.AddDays(r < 0.55 ? 0 : r < 0.8 ? 1 : _random.Next(2, 8));
        var referred = _random.NextDouble() < (seller is null ? 0.25 : 0.5);
        string? repairBranch;
        if (referred)
        {
            repairBranch = seller is not null && _random.NextDouble() < 0.78
                ? seller.Branch.Code
                : OtherBranch(seller).Branch.Code;
        }
        else
        {
            var where = _random.NextDouble();
            repairBranch = where < 0.35 && seller is not null ? seller.Branch.Code
                : where < 0.43 ? OtherBranch(seller).Branch.Code
                : null;
        }

        WriteClaim(policy, loss, report, repairBranch, referred, assessed, injury);
    }

    private void WriteClaim(
        ClaimedPolicy policy, DateOnly loss, DateOnly report, string? repairBranch, bool referred, decimal assessed, bool longTail)
    {
        var claimNo = ClaimNumber(policy, report.Year);
        ClaimStatus status;
        DateOnly close;
        var paid = 0m;
        var r = _random.NextDouble();
        if (r < 0.06)
        {
            status = ClaimStatus.WITHDRAWN;
            close = report.AddDays(_random.Next(1, 31));
        }
        else
        {
            status = ClaimStatus.CLOSED;
            var tail = _random.NextDouble();
            close = report.AddDays(
                longTail ? _random.Next(120, 721)
                : tail < 0.85 ? _random.Next(3, 61)
                : tail < 0.96 ? _random.Next(61, 181)
                : _random.Next(181, 721));
            paid = _random.NextDouble() < 0.2
                ? assessed
                : Math.Round(assessed * (decimal)(0.88 + 0.12 * _random.NextDouble()), 2, MidpointRounding.AwayFromZero);
        }

        if (report > _end)
        {
            return;
        }

        Claims++;
        _extracts.Claim(new Claim(
            _insurers[policy.Insurer].Code, claimNo, policy.PolicyNo, policy.Vin, loss, report, repairBranch, referred, assessed, paid, status, close));
    }

    /// <summary>Repairs the insurers refer to the stores from customers the group never sold to.</summary>
    private void ExternalReferrals(DateOnly day)
    {
        for (var b = 0; b < _branches.Count; b++)
        {
            var branch = _branches[b];
            for (var i = 0; i < _insurers.Count; i++)
            {
                for (var n = Draw(_externalReferralsPerDay[b, i]); n > 0; n--)
                {
                    var vin = DemoPeople.Vin(_random, branch.Brand, day.Year - _random.Next(0, 8), _vehicleSerial++);
                    var coverage = _random.NextDouble() < 0.9 ? Coverage.COMMERCIAL : Coverage.CTPL;
                    var city = branch.District.City;
                    var policy = new ClaimedPolicy(i, PolicyNumber(i, coverage, city, day.Year - _random.Next(0, 2)), vin, coverage, city);
                    var loss = day.AddDays(-_random.Next(0, 4));
                    WriteClaim(policy, loss, day, branch.Branch.Code, true, RepairValue(branch.Brand.RepairCostFactor), false);
                }
            }
        }
    }

    /// <summary>
    /// Decides what happens at the commercial policy's expiry, writes the store's follow-ups
    /// before it, and returns the renewal sale unless the car lapses.
    /// </summary>
    private Sale? Renewal(Car car, Sale current, DemoPolicy expiring)
    {
        var seller = current.Seller!;
        var expiry = expiring.Policy.ExpiryDate;
        var skill = seller.RenewalSkill;
        var r = _random.NextDouble();
        var outcome = r < skill ? Outcome.SameBranch
            : r < skill + 0.05 ? Outcome.OtherBranch
            : r < skill + 0.12 ? Outcome.OutsideGroup
            : r < skill + 0.14 ? Outcome.TooLate
            : Outcome.Lapsed;
        if (outcome == Outcome.OtherBranch && _branches.Count == 1)
        {
            outcome = Outcome.SameBranch;
        }

        // Too late: renewed 31–75 days after expiry. With effect on the day of sale at 31 days it
        // still lands inside a 30-day grace (renewed, in no window); later it is a lapse.
        var lead = outcome == Outcome.TooLate ? -_random.Next(31, 76) : DrawLead();
        var issue = expiry.AddDays(-lead);
        var effective = lead >= 0 ? expiry.AddDays(1) : AfterExpiryEffective(issue);
        var specialist = RenewalAdvisor(seller);

        BranchProfile? nextSeller;
        int insurer;
        switch (outcome)
        {
            case Outcome.SameBranch or Outcome.TooLate:
                nextSeller = seller;
                insurer = _random.NextDouble() < 0.88 ? current.Insurer : OtherInsurer(seller.InsurerShares, current.Insurer);
                break;
            case Outcome.OtherBranch:
                nextSeller = OtherBranch(seller);
                insurer = _random.NextDouble() < 0.6 ? current.Insurer : PickInsurer(nextSeller.InsurerShares);
                break;
            case Outcome.OutsideGroup:
                nextSeller = null;
                insurer = _random.NextDouble() < 0.5 ? current.Insurer : OtherInsurer(_groupInsurerShares, current.Insurer);
                break;
            default:
                nextSeller = null;
                insurer = current.Insurer;
                break;
        }

        WriteFollowUps(expiring.Policy, seller, specialist, outcome, issue);
        if (outcome == Outcome.Lapsed)
        {
            return null;
        }

        var advisor = nextSeller is null ? null
            : nextSeller == seller && _random.NextDouble() < 0.7 ? specialist
            : RenewalAdvisor(nextSeller);
        var type = insurer == current.Insurer ? BusinessType.RENEWAL : BusinessType.TRANSFER_IN;
        if (type == BusinessType.TRANSFER_IN)
        {
            // A new insurer's first quote undercuts the old one.
            car.CommercialPremium *= 0.95m;
        }

        return new Sale(issue, effective, nextSeller, advisor, insurer, type);
    }

    /// <summary>
    /// The renewal specialist's calls on an expiring policy (续保跟进), from about 90 days before
    /// expiry until the customer renews or is given up on, within the grace period.
    /// </summary>
    private void WriteFollowUps(Policy expiring, BranchProfile seller, DemoAdvisor specialist, Outcome outcome, DateOnly renewalIssue)
    {
        var r = _random.NextDouble();
        var style = outcome switch
        {
            Outcome.SameBranch => r < 0.9 ? Style.Won : Style.None,
            Outcome.TooLate => r < 0.85 ? Style.Won : Style.None,
            Outcome.OtherBranch => r < 0.35 ? Style.Lost : r < 0.7 ? Style.Open : Style.None,
            Outcome.OutsideGroup => r < 0.55 ? Style.Lost : r < 0.8 ? Style.Open : Style.None,
            _ => r < 0.6 ? Style.Lost : r < 0.75 ? Style.None : Style.Open,
        };
        if (style == Style.None)
        {
            return;
        }

        var expiry = expiring.ExpiryDate;
        var start = expiry.AddDays(-_random.Next(84, 96));
        var end = outcome == Outcome.Lapsed ? expiry.AddDays(_random.Next(0, 31)) : renewalIssue;
        // A customer who first says no for one reason and later for another: the last one counts.
        var changedMind = style == Style.Lost && _random.NextDouble() < 0.15;
        var finalReason = outcome switch
        {
            Outcome.OutsideGroup => Pick(OutsideReasons),
            Outcome.OtherBranch => LostReason.OTHER,
            _ => PickLostReason(),
        };
        var first = true;
        for (var day = start; day < end; day = day.AddDays(_random.Next(5, 25)))
        {
            var channel = first && _random.NextDouble() < 0.6 ? ContactChannel.SMS : PickChannel();
            var outcomeOfCall = Pick(OpenOutcomes);
            LostReason? reason = null;
            if (changedMind && !first && day.AddDays(30) < end)
            {
                outcomeOfCall = FollowUpOutcome.LOST;
                reason = PickLostReason();
                changedMind = false;
            }

            FollowUp(expiring, seller, specialist, day, channel, outcomeOfCall, reason, IsCallLogged());
            first = false;
        }

        switch (style)
        {
            case Style.Won:
                FollowUp(expiring, seller, specialist, renewalIssue, PickClosingChannel(), FollowUpOutcome.WON, null, logged: true);
                break;
            case Style.Lost:
                FollowUp(expiring, seller, specialist, end, PickChannel(), FollowUpOutcome.LOST, finalReason, logged: true);
                break;
            default:
                if (outcome == Outcome.Lapsed)
                {
                    FollowUp(expiring, seller, specialist, end, PickChannel(), Pick(OpenOutcomes), null, logged: true);
                }

                break;
        }
    }

    /// <summary>Whether a call before the closing one reaches the log (<see cref="DemoDataOptions.FollowUpCallShare"/>).</summary>
    private bool IsCallLogged() => _followUpCallShare >= 1 || _callLog.NextDouble() < _followUpCallShare;

    /// <summary>
    /// One call on an expiring policy. A call that is not <paramref name="logged"/> still takes its
    /// id and its draws, so the rest of the data is the same whatever is logged.
    /// </summary>
    private void FollowUp(
        Policy expiring, BranchProfile seller, DemoAdvisor specialist, DateOnly day, ContactChannel channel, FollowUpOutcome outcome, LostReason? reason, bool logged)
    {
        var id = "FU" + (++_followUpSequence).ToString("D9", CultureInfo.InvariantCulture);
        var note = _random.NextDouble() < 0.5 ? null : Note(outcome, reason);
        if (day > _end || !logged)
        {
            return;
        }

        FollowUps++;
        _extracts.FollowUp(new FollowUp(
            id, expiring.InsurerCode, expiring.PolicyNo, seller.Branch.Code, specialist.Id, day, channel, outcome, reason, note));
    }

    private string Note(FollowUpOutcome outcome, LostReason? reason)
    {
        string[] notes = outcome switch
        {
            FollowUpOutcome.NO_ANSWER => ["未接通", "关机", "无人接听，已发短信", "占线"],
            FollowUpOutcome.CALLBACK => ["客户在外地，下周回电", "到期前再联系", "需要和家人商量", "客户开会, 晚上再打"],
            FollowUpOutcome.QUOTED => ["已报价，客户考虑中", "报价已发微信", "客户嫌贵, 要求再优惠", "报价含\"车损险+三者200万\"，客户想降三者"],
            FollowUpOutcome.WON => ["已续保", "到店续保，送保养一次", "微信支付完成", "续保成功, 赠送洗车卡"],
            _ => reason switch
            {
                LostReason.PRICE => ["其他渠道便宜300元", "嫌贵", "网上报价更低, 不续"],
                LostReason.INSURED_ELSEWHERE => ["已在网上投保", "已在其他公司投保", "单位统一投保"],
                LostReason.FRIEND_AT_INSURER => ["朋友在保险公司", "亲戚做保险"],
                LostReason.VEHICLE_SOLD => ["车已卖", "车辆已过户", "车辆报废"],
                LostReason.SERVICE_COMPLAINT => ["对上次维修不满意", "理赔太慢, 投诉过"],
                _ => ["客户移居外地", "不愿透露", "在集团其他门店续保"],
            },
        };
        return notes[_random.Next(notes.Length)];
    }

    /// <summary>Next year's premiums: the no-claims discount goes down a step, a claim puts it up.</summary>
    private void Reprice(Car car, int claims)
    {
        var maxLevel = car.SevenSeats ? 0 : 1;
        car.CtplLevel = claims == 0 ? Math.Max(car.CtplLevel - 1, -3) : Math.Min(car.CtplLevel + 1, maxLevel);
        var factor = claims switch
        {
            0 => 0.86 + 0.11 * _random.NextDouble(),
            1 => 1.00 + 0.15 * _random.NextDouble(),
            _ => 1.15 + 0.20 * _random.NextDouble(),
        };
        car.CommercialPremium = Math.Clamp(car.CommercialPremium * (decimal)factor, 1_500m, 9_000m);
    }

    /// <summary>
    /// Now and then a premium lands exactly on a band boundary (2 000.00, lower bound inclusive)
    /// or a cent below it, so the bands' edges are in the data.
    /// </summary>
    private decimal LandOnBands(decimal premium)
    {
        var r = _random.NextDouble();
        if (r >= 0.035)
        {
            return premium;
        }

        var nearest = BandBoundaries.MinBy(b => Math.Abs(b - premium));
        return r < 0.025 ? nearest : nearest - 0.01m;
    }

    private decimal RandomPremium(DemoBrand brand) =>
        Math.Round(brand.MinPremium + (brand.MaxPremium - brand.MinPremium) * (decimal)_random.NextDouble(), 2, MidpointRounding.AwayFromZero);

    private decimal RepairValue(double brandFactor)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        var value = Math.Clamp(MedianRepair * brandFactor * Math.Exp(RepairSpread * normal), 150, 150_000);
        return Math.Round((decimal)value, 2, MidpointRounding.AwayFromZero);
    }

    /// <summary>
    /// Days between the renewal's sale and the old policy's expiry, spread over the call plan:
    /// early (91–120), W90, W60, W45, W30 and after expiry within the grace (−30…0).
    /// </summary>
    private int DrawLead()
    {
        var r = _random.NextDouble();
        return r < 0.07 ? _random.Next(91, 121)
            : r < 0.18 ? _random.Next(61, 91)
            : r < 0.31 ? _random.Next(46, 61)
            : r < 0.51 ? _random.Next(31, 46)
            : r < 0.91 ? _random.Next(1, 31)
            : -_random.Next(0, 31);
    }

    /// <summary>Bought after expiry: cover from the next day, or at once (即时生效).</summary>
    private DateOnly AfterExpiryEffective(DateOnly issue) => _random.NextDouble() < 0.3 ? issue : issue.AddDays(1);

    private DemoAdvisor RenewalAdvisor(BranchProfile branch)
    {
        var specialists = branch.Advisors.Where(a => a.IsRenewalSpecialist).ToArray();
        return specialists.Length > 0 && _random.NextDouble() < 0.8 ? specialists[_random.Next(specialists.Length)] : Pick(branch.Advisors);
    }

    private int PickBranch()
    {
        var r = _random.NextDouble();
        var index = Array.BinarySearch(_branchCumulative, r);
        return Math.Min(index < 0 ? ~index : index, _branches.Count - 1);
    }

    private BranchProfile OtherBranch(BranchProfile? except)
    {
        if (_branches.Count == 1)
        {
            return _branches[0];
        }

        while (true)
        {
            var candidate = _branches[PickBranch()];
            if (candidate != except)
            {
                return candidate;
            }
        }
    }

    private int PickInsurer(double[] shares)
    {
        var r = _random.NextDouble();
        for (var i = 0; i < shares.Length - 1; i++)
        {
            r -= shares[i];
            if (r < 0)
            {
                return i;
            }
        }

        return shares.Length - 1;
    }

    private int OtherInsurer(double[] shares, int except)
    {
        while (true)
        {
            var candidate = PickInsurer(shares);
            if (candidate != except)
            {
                return candidate;
            }
        }
    }

    private ContactChannel PickChannel()
    {
        var r = _random.NextDouble();
        return r < 0.55 ? ContactChannel.PHONE : r < 0.85 ? ContactChannel.WECHAT : r < 0.93 ? ContactChannel.VISIT : ContactChannel.SMS;
    }

    private ContactChannel PickClosingChannel()
    {
        var r = _random.NextDouble();
        return r < 0.45 ? ContactChannel.VISIT : r < 0.75 ? ContactChannel.WECHAT : ContactChannel.PHONE;
    }

    private LostReason PickLostReason()
    {
        var r = _random.NextDouble();
        return r < 0.28 ? LostReason.PRICE
            : r < 0.50 ? LostReason.INSURED_ELSEWHERE
            : r < 0.64 ? LostReason.FRIEND_AT_INSURER
            : r < 0.76 ? LostReason.VEHICLE_SOLD
            : r < 0.88 ? LostReason.SERVICE_COMPLAINT
            : LostReason.OTHER;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    /// <summary>A whole number with mean <paramref name="expected"/> and little spread: steady daily volumes.</summary>
    private int Draw(double expected)
    {
        var whole = (int)expected;
        return whole + (_random.NextDouble() < expected - whole ? 1 : 0);
    }

    private int Poisson(double mean)
    {
        var limit = Math.Exp(-mean);
        var count = 0;
        for (var product = _random.NextDouble(); product > limit; product *= _random.NextDouble())
        {
            count++;
        }

        return count;
    }

    /// <summary>
    /// Policy numbers in each insurer's own shape (invented, but the shape of the real thing):
    /// a product prefix, the year, the issuing city, a sequence unique within the insurer.
    /// </summary>
    private string PolicyNumber(int insurer, Coverage coverage, DemoCity city, int year)
    {
        var sequence = ++_policySequence[insurer];
        var commercial = coverage == Coverage.COMMERCIAL;
        return _insurers[insurer].Code switch
        {
            "PICC" => string.Create(CultureInfo.InvariantCulture, $"{(commercial ? "PDAA" : "PDZA")}{year:D4}{city.AreaCode}{sequence:D8}"),
            "PINGAN" => string.Create(CultureInfo.InvariantCulture, $"1{city.AreaCode}{(commercial ? "03" : "01")}{year % 100:D2}{sequence:D9}"),
            "CPIC" => string.Create(CultureInfo.InvariantCulture, $"A{city.Abbreviation}{(commercial ? 'C' : 'J')}{year:D4}{sequence:D8}"),
            "SUNSHINE" => string.Create(CultureInfo.InvariantCulture, $"SG{city.AreaCode}{year:D4}{(commercial ? "0802" : "0801")}{sequence:D7}"),
            var code => string.Create(CultureInfo.InvariantCulture, $"{code}{year:D4}{sequence:D8}"),
        };
    }

    private string ClaimNumber(ClaimedPolicy policy, int year)
    {
        var sequence = ++_claimSequence[policy.Insurer];
        var city = policy.City;
        return _insurers[policy.Insurer].Code switch
        {
            "PICC" => string.Create(
                CultureInfo.InvariantCulture, $"{(policy.Coverage == Coverage.COMMERCIAL ? "RDAA" : "RDZA")}{year:D4}{city.AreaCode}{sequence:D8}"),
            "PINGAN" => string.Create(CultureInfo.InvariantCulture, $"9{city.AreaCode}{year % 100:D2}{sequence:D10}"),
            "CPIC" => string.Create(CultureInfo.InvariantCulture, $"C{city.Abbreviation}{year:D4}{sequence:D8}"),
            "SUNSHINE" => string.Create(CultureInfo.InvariantCulture, $"SGL{city.AreaCode}{year:D4}{sequence:D7}"),
            var code => string.Create(CultureInfo.InvariantCulture, $"{code}L{year:D4}{sequence:D8}"),
        };
    }

    private enum Outcome
    {
        SameBranch,
        OtherBranch,
        OutsideGroup,
        TooLate,
        Lapsed,
    }

    /// <summary>How the follow-up log of one expiring policy ends.</summary>
    private enum Style
    {
        None,
        Won,
        Lost,
        Open,
    }

    /// <summary>A car and its customer: the only state kept while the car's years are simulated.</summary>
    private sealed class Car
    {
        public required BranchProfile Home { get; init; }

        public required string Vin { get; init; }

        public required string VinInHistory { get; init; }

        public required string CustomerName { get; init; }

        public required string CustomerPhone { get; init; }

        public required string CustomerIdNo { get; init; }

        public required string Plate { get; init; }

        public required bool SevenSeats { get; init; }

        public bool PlatePending { get; set; }

        /// <summary>交强险 floating level: −3 (−30 %, three claim-free years) … +1.</summary>
        public int CtplLevel { get; set; }

        public decimal CommercialPremium { get; set; }
    }

    private readonly record struct Sale(
        DateOnly Issue, DateOnly Effective, BranchProfile? Seller, DemoAdvisor? Advisor, int Insurer, BusinessType Type);

    private sealed record TermPolicies(DemoPolicy Ctpl, DemoPolicy Commercial, DateOnly? CancelDate);

    /// <summary>The policy a claim is made on; the claim number carries the policy's city.</summary>
    private readonly record struct ClaimedPolicy(int Insurer, string PolicyNo, string Vin, Coverage Coverage, DemoCity City)
    {
        public ClaimedPolicy(Policy policy, int insurer, DemoCity city)
            : this(insurer, policy.PolicyNo, policy.Vin, policy.Coverage, city)
        {
        }
    }
}
