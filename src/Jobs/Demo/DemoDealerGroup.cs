using System.Globalization;
using Reporting.Jobs.Reference;

namespace Reporting.Jobs.Demo;

/// <summary>A 4S store of the demo group, as <c>config/reference.json</c> lists it.</summary>
public sealed record DemoBranch(string Code, string Name, string Region, IReadOnlyList<string> ManagerEmails);

/// <summary>
/// A sales advisor (销售顾问, sells new cars) or renewal specialist (续保专员, works the
/// follow-up log and sells most renewals).
/// </summary>
public sealed record DemoAdvisor(string Id, string Name, string BranchCode, bool IsRenewalSpecialist);

public sealed record DemoInsurer(string Code, string Name);

/// <summary>
/// The fictional dealer group the demo data describes: a Guangdong group whose first six stores
/// are fixed (<c>config/reference.json</c> lists exactly <see cref="Default"/>); a larger
/// <see cref="DemoDataOptions.Branches"/> adds stores named after further Pearl River Delta
/// districts and brands.
/// </summary>
public sealed class DemoDealerGroup
{
    private DemoDealerGroup(IReadOnlyList<BranchProfile> profiles, IReadOnlyList<DemoInsurer> insurers)
    {
        Profiles = profiles;
        Branches = [.. profiles.Select(p => p.Branch)];
        Advisors = [.. profiles.SelectMany(p => p.Advisors)];
        Insurers = insurers;
    }

    /// <summary>The group of the default options: six branches, five advisors each.</summary>
    public static DemoDealerGroup Default => LazyDefault.Value;

    public IReadOnlyList<DemoBranch> Branches { get; }

    public IReadOnlyList<DemoAdvisor> Advisors { get; }

    /// <summary>The four insurers, in the order of their <c>InsurerShares</c> in each profile.</summary>
    public IReadOnlyList<DemoInsurer> Insurers { get; }

    internal IReadOnlyList<BranchProfile> Profiles { get; }

    public static DemoDealerGroup Create(DemoDataOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var profiles = new List<BranchProfile>(options.Branches);
        var advisorNumber = 0;
        for (var i = 0; i < options.Branches; i++)
        {
            var seed = i < FixedBranches.Length ? FixedBranches[i] : ExtraBranch(i);
            var code = "B" + (i + 1).ToString("D2", CultureInfo.InvariantCulture);
            var lower = code.ToLowerInvariant();
            var emails = i == 0
                ? new[] { $"manager.{lower}@dealer.example", $"deputy.{lower}@dealer.example" }
                : new[] { $"manager.{lower}@dealer.example" };
            var branch = new DemoBranch(code, seed.Name, seed.District.City.Name, emails);
            var advisors = new List<DemoAdvisor>(options.AdvisorsPerBranch);
            for (var a = 0; a < options.AdvisorsPerBranch; a++)
            {
                var name = i < FixedBranches.Length && a < FixedAdvisorNames[i].Length
                    ? FixedAdvisorNames[i][a]
                    : SyntheticName(advisorNumber);
                advisorNumber++;
                var id = "A" + advisorNumber.ToString("D3", CultureInfo.InvariantCulture);
                // The first advisor of every store, and the second of a store with four or more,
                // works renewals; the rest sell new cars.
                var specialist = a == 0 || (a == 1 && options.AdvisorsPerBranch >= 4);
                advisors.Add(new DemoAdvisor(id, name, code, specialist));
            }

            profiles.Add(new BranchProfile(
                branch, seed.District, seed.Brand, seed.Weight, seed.InsurerShares, seed.RenewalSkill, seed.ClaimFactor, advisors));
        }

        return new DemoDealerGroup(profiles, DemoInsurers);
    }

    /// <summary>The reference data of this group, shaped like <c>config/reference.json</c>.</summary>
    public ReferenceDataOptions ToReferenceData() => new()
    {
        Branches = [.. Branches.Select(b => new BranchOptions
        {
            Code = b.Code,
            Name = b.Name,
            Region = b.Region,
            ManagerEmails = [.. b.ManagerEmails],
        })],
        Advisors = [.. Advisors.Select(a => new AdvisorOptions { Id = a.Id, Name = a.Name, Branch = a.BranchCode })],
        Insurers = [.. Insurers.Select(i => new InsurerOptions { Code = i.Code, Name = i.Name })],
    };

    private static readonly DemoInsurer[] DemoInsurers =
    [
        new("PICC", "人保财险"),
        new("PINGAN", "平安产险"),
        new("CPIC", "太保产险"),
        new("SUNSHINE", "阳光产险"),
    ];

    private static readonly DemoCity Shenzhen = new("深圳", "粤B", "4403", "SZH");
    private static readonly DemoCity Guangzhou = new("广州", "粤A", "4401", "GUZ");
    private static readonly DemoCity Dongguan = new("东莞", "粤S", "4419", "DGG");
    private static readonly DemoCity Foshan = new("佛山", "粤E", "4406", "FOS");
    private static readonly DemoCity Zhuhai = new("珠海", "粤C", "4404", "ZHH");
    private static readonly DemoCity Huizhou = new("惠州", "粤L", "4413", "HUZ");
    private static readonly DemoCity Zhongshan = new("中山", "粤T", "4420", "ZSH");

    // Commercial premium ranges are first-year (new car) premiums; renewals drift down with the
    // no-claims discount and up after claims, so every brand's renewals spread over lower bands.
    private static readonly DemoBrand Toyota = new("丰田", ["LFM", "LVG"], 2_600m, 5_400m, false, 0.10, 1.0);
    private static readonly DemoBrand Honda = new("本田", ["LHG", "LVH"], 2_300m, 4_900m, false, 0.12, 1.0);
    private static readonly DemoBrand Volkswagen = new("大众", ["LSV", "LFV"], 2_100m, 4_700m, false, 0.08, 1.0);
    private static readonly DemoBrand Nissan = new("日产", ["LGB"], 1_500m, 3_700m, false, 0.05, 0.9);
    private static readonly DemoBrand Byd = new("比亚迪", ["LGX", "LC0"], 2_800m, 6_900m, true, 0.10, 1.3);
    private static readonly DemoBrand Bmw = new("宝马", ["LBV"], 5_400m, 9_000m, false, 0.05, 1.8);

    // Declared after the tables it reads: static fields initialise in textual order.
    private static readonly Lazy<DemoDealerGroup> LazyDefault = new(() => Create(new DemoDataOptions()));

    private static readonly BranchSeed[] FixedBranches =
    [
        new("深圳福田丰田4S店", new(Shenzhen, "福田", "440304"), Toyota, 0.22, [0.36, 0.30, 0.20, 0.14], 0.70, 0.90),
        new("深圳南山本田4S店", new(Shenzhen, "南山", "440305"), Honda, 0.18, [0.30, 0.34, 0.22, 0.14], 0.62, 1.00),
        new("广州天河大众4S店", new(Guangzhou, "天河", "440106"), Volkswagen, 0.20, [0.40, 0.28, 0.18, 0.14], 0.58, 1.10),
        new("东莞南城日产4S店", new(Dongguan, "南城", "441900"), Nissan, 0.14, [0.32, 0.30, 0.18, 0.20], 0.50, 1.05),
        new("佛山禅城比亚迪4S店", new(Foshan, "禅城", "440604"), Byd, 0.14, [0.28, 0.36, 0.20, 0.16], 0.55, 1.25),
        new("珠海香洲宝马4S店", new(Zhuhai, "香洲", "440402"), Bmw, 0.12, [0.46, 0.32, 0.14, 0.08], 0.68, 0.85),
    ];

    private static readonly string[][] FixedAdvisorNames =
    [
        ["陈志强", "李晓婷", "黄伟明", "张丽娟", "刘建华"],
        ["王芳", "吴俊杰", "林海燕", "郑国栋", "周小梅"],
        ["梁家辉", "何静", "罗文斌", "谢雨欣", "许志军"],
        ["杨帆", "叶秀英", "邓超", "曾美玲", "彭磊"],
        ["蔡晓东", "冯丽华", "钟伟", "苏晴", "卢俊"],
        ["朱明哲", "江雪", "高峰", "潘婷婷", "徐浩然"],
    ];

    private static readonly DemoDistrict[] ExtraDistricts =
    [
        new(Shenzhen, "宝安", "440306"), new(Shenzhen, "龙岗", "440307"), new(Shenzhen, "罗湖", "440303"),
        new(Guangzhou, "白云", "440111"), new(Guangzhou, "番禺", "440113"), new(Guangzhou, "海珠", "440105"),
        new(Dongguan, "长安", "441900"), new(Dongguan, "虎门", "441900"), new(Foshan, "南海", "440605"),
        new(Foshan, "顺德", "440606"), new(Zhuhai, "金湾", "440404"), new(Huizhou, "惠城", "441302"),
        new(Zhongshan, "石岐", "442000"),
    ];

    private static readonly DemoBrand[] ExtraBrands = [Toyota, Honda, Volkswagen, Nissan, Byd, Bmw];

    private static BranchSeed ExtraBranch(int index)
    {
        var n = index - FixedBranches.Length;
        var district = ExtraDistricts[n % ExtraDistricts.Length];
        var round = n / ExtraDistricts.Length;
        // Each round of districts shifts the brands by one: six rounds give every pair once.
        var brand = ExtraBrands[(n % ExtraDistricts.Length + round) % ExtraBrands.Length];
        var name = $"{district.City.Name}{district.Name}{brand.Name}4S店";
        if (round >= ExtraBrands.Length)
        {
            name += (round / ExtraBrands.Length + 1).ToString(CultureInfo.InvariantCulture) + "号店";
        }

        // Vary the traits by position so the extra stores are not all alike.
        var template = FixedBranches[n % FixedBranches.Length];
        return template with { Name = name, District = district, Brand = brand };
    }

    private static string SyntheticName(int number)
    {
        var surname = DemoPeople.CommonSurnames[number * 7 % DemoPeople.CommonSurnames.Length];
        var given = DemoPeople.GivenNameChars[number * 13 % DemoPeople.GivenNameChars.Length];
        var given2 = DemoPeople.GivenNameChars[number * 31 % DemoPeople.GivenNameChars.Length];
        return number % 3 == 0 ? surname + given : surname + given + given2;
    }

    private sealed record BranchSeed(
        string Name, DemoDistrict District, DemoBrand Brand, double Weight, double[] InsurerShares, double RenewalSkill, double ClaimFactor);
}

/// <summary>A city of the group: its plate prefix, the code insurers put in policy numbers.</summary>
internal sealed record DemoCity(string Name, string PlatePrefix, string AreaCode, string Abbreviation);

/// <summary>A district, with the resident-ID area code of people born there.</summary>
internal sealed record DemoDistrict(DemoCity City, string Name, string IdAreaCode);

/// <summary>
/// A brand sold by a store: VIN manufacturer prefixes, the first-year commercial premium range,
/// whether its cars carry green new-energy plates, the share of seven-seaters (a higher CTPL
/// premium) and how costly its repairs are.
/// </summary>
internal sealed record DemoBrand(
    string Name, string[] Wmis, decimal MinPremium, decimal MaxPremium, bool NewEnergy, double SevenSeatShare, double RepairCostFactor);

/// <summary>
/// How a store behaves in the simulation: its share of the group's sales, its insurer mix, how
/// well it keeps renewals (the share of its customers it renews itself) and how often its
/// customers claim.
/// </summary>
internal sealed record BranchProfile(
    DemoBranch Branch,
    DemoDistrict District,
    DemoBrand Brand,
    double Weight,
    double[] InsurerShares,
    double RenewalSkill,
    double ClaimFactor,
    IReadOnlyList<DemoAdvisor> Advisors);
