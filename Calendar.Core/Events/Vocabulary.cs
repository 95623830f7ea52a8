using System.Collections.Frozen;

namespace Calendar.Core.Events;

/// <summary>The closed sets of values the SPEC allows, in one place for validation, filters and pages.</summary>
public static class Vocabulary
{
    public static readonly IReadOnlyList<string> Kinds =
        ["webinar", "conference", "meeting", "workshop", "training", "world-day", "launch", "deadline", "other"];

    public static readonly IReadOnlyList<string> Statuses = [EventStatus.Confirmed, EventStatus.Tentative, EventStatus.Cancelled];

    public static readonly IReadOnlyList<string> ModerationStates = [ModerationState.Pending, ModerationState.Published, ModerationState.Rejected];

    /// <summary>ISO 3166-1 alpha-2 codes (from the IANA time zone database's iso3166.tab), plus XK for Kosovo,
    /// which OSCE documents use.</summary>
    public static readonly IReadOnlySet<string> Countries = FrozenSet.ToFrozenSet(
        "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW".Split(' '), StringComparer.Ordinal);

    private static readonly Lazy<FrozenDictionary<string, string>> CountryNames =
        new(() => Countries.ToFrozenDictionary(c => c, LookUpCountryName, StringComparer.Ordinal));

    /// <summary>The English name of a country code ("AT" -> "Austria"), or the code when the platform has none.</summary>
    public static string CountryName(string code) => CountryNames.Value.TryGetValue(code, out var name) ? name : LookUpCountryName(code);

    private static string LookUpCountryName(string code)
    {
        try { return new System.Globalization.RegionInfo(code).EnglishName; }
        catch (ArgumentException) { return code; }
    }

    public static bool IsKind(string? value) => value is not null && Kinds.Contains(value);
}
