using System.Globalization;
using System.Text;

namespace Reporting.Jobs.Demo;

/// <summary>
/// Plausible personal data for fictional customers and their cars: names, mobile numbers,
/// resident ID numbers with a valid check digit, Guangdong plates and VINs with a valid check
/// digit. Everything is drawn from the caller's <see cref="Random"/>.
/// </summary>
internal static class DemoPeople
{
    /// <summary>The most common surnames, most common first (drawn with a falling weight).</summary>
    internal static readonly string[] CommonSurnames =
    [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高",
        "林", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁",
        "潘", "于", "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔",
        "钟", "谭", "陆", "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦",
        "邱", "江", "尹", "薛", "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵",
        "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤", "欧阳", "司徒",
    ];

    internal static readonly string[] GivenNameChars =
    [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀",
        "霞", "平", "刚", "桂", "英", "华", "建", "文", "辉", "力", "玲", "燕", "红", "鹏", "俊", "晓", "婷", "雪",
        "浩", "宇", "欣", "怡", "佳", "梓", "子", "嘉", "志", "海", "国", "琳", "思", "晨", "峰", "凯", "宁", "斌",
        "丹", "萍", "慧", "颖", "倩", "旭", "东", "波", "彬", "健", "亮", "阳", "飞", "云", "瑶", "舒", "航", "逸",
    ];

    private static readonly string[] CompanyWords =
    [
        "华信", "鹏程", "创新", "恒通", "远航", "金盛", "宏达", "联创", "科达", "嘉和", "盈丰", "启明", "天润", "顺丰",
    ];

    private static readonly string[] CompanyTrades = ["科技", "贸易", "物流", "电子", "建材", "餐饮管理", "实业"];

    // Where customers were born: the store's own district, or the provinces that send the most
    // people to the Pearl River Delta.
    private static readonly string[] MigrantAreaCodes =
    [
        "430102", "430602", "431102", "420106", "421002", "450103", "450902", "360102", "360732",
        "510107", "511302", "410105", "411502", "445202", "440513", "441402", "440881", "350203", "500103",
    ];

    private static readonly string[] MobilePrefixes =
    [
        "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "156", "157",
        "158", "159", "166", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "191",
        "198", "199",
    ];

    // VIN characters: digits and capitals other than I, O and Q; the transliteration values and
    // position weights of the check digit in position 9 (GB 16735, ISO 3779).
    private const string VinAlphabet = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
    private static readonly int[] VinWeights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

    // Plate letters: capitals other than I and O.
    private const string PlateLetters = "ABCDEFGHJKLMNPQRSTUVWXYZ";

    private static readonly int[] IdWeights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    private const string IdCheckChars = "10X98765432";

    private const string CreditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";

    public static string PersonName(Random random)
    {
        // A falling weight: the first surnames of the list are far more common than the last.
        var index = (int)(CommonSurnames.Length * Math.Pow(random.NextDouble(), 1.8));
        var surname = CommonSurnames[Math.Min(index, CommonSurnames.Length - 1)];
        var first = GivenNameChars[random.Next(GivenNameChars.Length)];
        return random.NextDouble() < 0.3
            ? surname + first
            : surname + first + GivenNameChars[random.Next(GivenNameChars.Length)];
    }

    public static string CompanyName(Random random, DemoCity city) =>
        $"{city.Name}市{CompanyWords[random.Next(CompanyWords.Length)]}{CompanyTrades[random.Next(CompanyTrades.Length)]}有限公司";

    /// <summary>A mainland mobile number: 11 digits, <c>1[3-9]</c> then nine more.</summary>
    public static string MobilePhone(Random random)
    {
        Span<char> digits = stackalloc char[11];
        MobilePrefixes[random.Next(MobilePrefixes.Length)].CopyTo(digits);
        for (var i = 3; i < 11; i++)
        {
            digits[i] = (char)('0' + random.Next(10));
        }

        return new string(digits);
    }

    /// <summary>
    /// An 18-character resident ID number: area code, birth date, sequence (odd for men) and the
    /// ISO 7064 MOD 11-2 check character.
    /// </summary>
    public static string ResidentId(Random random, DemoDistrict home, DateOnly onDate)
    {
        var area = random.NextDouble() < 0.4 ? home.IdAreaCode : MigrantAreaCodes[random.Next(MigrantAreaCodes.Length)];
        var birth = onDate.AddDays(-random.Next(22 * 365, 62 * 365));
        Span<char> id = stackalloc char[18];
        area.CopyTo(id);
        birth.TryFormat(id[6..], out _, "yyyyMMdd", CultureInfo.InvariantCulture);
        for (var i = 14; i < 17; i++)
        {
            id[i] = (char)('0' + random.Next(10));
        }

        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += (id[i] - '0') * IdWeights[i];
        }

        id[17] = IdCheckChars[sum % 11];
        return new string(id);
    }

    /// <summary>An 18-character unified social credit code (统一社会信用代码) of a company.</summary>
    public static string CreditCode(Random random, DemoDistrict home)
    {
        var code = new StringBuilder(18).Append("91").Append(home.IdAreaCode);
        while (code.Length < 18)
        {
            code.Append(CreditCodeChars[random.Next(CreditCodeChars.Length)]);
        }

        return code.ToString();
    }

    /// <summary>
    /// A plate of the store's city: <c>粤B</c> and five characters, at most two of them letters;
    /// new-energy cars get the green eight-character plate (<c>粤BD12345</c>).
    /// </summary>
    public static string Plate(Random random, DemoCity city, bool newEnergy)
    {
        var plate = new StringBuilder(8).Append(city.PlatePrefix);
        if (newEnergy)
        {
            plate.Append(random.NextDouble() < 0.8 ? 'D' : 'F');
            for (var i = 0; i < 5; i++)
            {
                plate.Append((char)('0' + random.Next(10)));
            }

            return plate.ToString();
        }

        var letters = random.NextDouble() < 0.45 ? 0 : random.NextDouble() < 0.7 ? 1 : 2;
        for (var i = 0; i < 5; i++)
        {
            var letter = i < letters && random.NextDouble() < 0.8;
            plate.Append(letter ? PlateLetters[random.Next(PlateLetters.Length)] : (char)('0' + random.Next(10)));
        }

        return plate.ToString();
    }

    /// <summary>
    /// A 17-character VIN with a valid check digit. <paramref name="serialNumber"/> makes it unique:
    /// the plant letter and six-digit serial are a permutation of it.
    /// </summary>
    public static string Vin(Random random, DemoBrand brand, int modelYear, long serialNumber)
    {
        Span<char> vin = stackalloc char[17];
        brand.Wmis[random.Next(brand.Wmis.Length)].CopyTo(vin);
        for (var i = 3; i < 8; i++)
        {
            vin[i] = VinAlphabet[random.Next(10, VinAlphabet.Length)];
            if (i >= 6 && random.NextDouble() < 0.6)
            {
                vin[i] = (char)('0' + random.Next(10));
            }
        }

        vin[9] = ModelYearCode(modelYear);
        var permuted = (serialNumber * 7_919 + 104_729) % 33_000_000;
        vin[10] = VinAlphabet[(int)(permuted / 1_000_000)];
        (permuted % 1_000_000).TryFormat(vin[11..], out _, "D6", CultureInfo.InvariantCulture);
        vin[8] = '0';
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            sum += Transliterate(vin[i]) * VinWeights[i];
        }

        var check = sum % 11;
        vin[8] = check == 10 ? 'X' : (char)('0' + check);
        return new string(vin);
    }

    /// <summary>Position 10 of a VIN: letters from 2010 (A) skipping I, O, Q, U, Z, then digits from 2031.</summary>
    private static char ModelYearCode(int year)
    {
        const string codes = "ABCDEFGHJKLMNPRSTVWXY123456789";
        return codes[((year - 2010) % codes.Length + codes.Length) % codes.Length];
    }

    private static int Transliterate(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'A' and <= 'H' => c - 'A' + 1,
        >= 'J' and <= 'N' => c - 'J' + 1,
        'P' => 7,
        'R' => 9,
        >= 'S' and <= 'Z' => c - 'S' + 2,
        _ => 0,
    };
}
