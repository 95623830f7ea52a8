using System.Collections.Frozen;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Calendar.Core.Events;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using NodaTime;
using NodaTime.TimeZones;
using SeriesRules = Calendar.Core.Events.Recurrence;
using Duration = NodaTime.Duration;
using Period = NodaTime.Period;

namespace Calendar.Core.Import;

/// <summary>
/// Reads a partner's iCalendar feed into the events it means (see SPEC "Partner feeds (import)").
/// Ical.Net parses each VEVENT; this class settles what Ical.Net leaves open: which instant a local time means
/// (IANA, Windows and Outlook display-name TZIDs, the file's own VTIMEZONEs, floating times), and how a series
/// fits the stored model.
/// <para>
/// Series: the stored model holds one RRULE anchored on its first start. A series whose single RRULE the model
/// holds, with no EXDATE, RDATE or overrides, and whose occurrences in the horizon come out identical when the
/// model expands it in the stored zone, stays one event. Any other series (exceptions, several rules, a zone no
/// IANA zone matches through the year) is expanded here into its occurrences within the horizon, each keyed by
/// UID + RECURRENCE-ID: overrides replace their occurrence and EXDATEs remove theirs. Storing exceptions would need
/// a new model in every feed, page and API; expansion keeps them exact (what the source lists in the window is
/// what we list) at the cost of a horizon, which the importer moves forward on every run.
/// </para>
/// </summary>
public static class IcsFeedReader
{
    private static readonly EventInputValidator Validator = new();

    public static FeedReadResult Read(byte[] content, FeedReadOptions options)
    {
        var text = IcsText.Decode(content, out var latin1);
        var calendars = IcsText.Components(text);
        var reader = new Reading(options);
        if (latin1) reader.Note("The feed is not valid UTF-8; it was read as Windows-1252 (Latin-1).");
        foreach (var calendar in calendars) reader.ReadCalendar(calendar);
        reader.NoteHorizon();
        return new FeedReadResult(reader.Events, reader.Skipped, reader.Notes);
    }

    /// <summary>A date or a point in time of the feed, resolved.</summary>
    private sealed record Moment(bool AllDay, LocalDate Date, Instant Instant, SourceZone? Zone)
    {
        public string RecurrenceKey => AllDay
            ? Date.ToString("uuuuMMdd", CultureInfo.InvariantCulture)
            : Instant.InUtc().LocalDateTime.ToString("uuuuMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

        public LocalDateTime Local => AllDay ? Date.AtMidnight() : Instant.InZone(DateTimeZone.ForOffset(Zone!.OffsetAt(Instant))).LocalDateTime;
    }

    private sealed class ReadException(string reason) : Exception(reason);

    private sealed record Parsed(RawComponent Raw, CalendarEvent Event, string? Uid, int Position);

    private sealed class Reading(FeedReadOptions options)
    {
        public List<ImportedEvent> Events { get; } = [];
        public List<SkippedEvent> Skipped { get; } = [];
        public List<string> Notes { get; } = [];

        private readonly Instant now = Instant.FromDateTimeUtc(DateTime.SpecifyKind(options.NowUtc, DateTimeKind.Utc));
        private Instant WindowStart => now - Duration.FromTimeSpan(options.HorizonPast);
        private Instant WindowEnd => now + Duration.FromTimeSpan(options.HorizonFuture);

        private Dictionary<string, RawComponent> timezones = new(StringComparer.Ordinal);
        private readonly Dictionary<string, SourceZone?> zoneCache = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> zoneProblems = new(StringComparer.Ordinal);
        private string? calendarZoneName;
        private SourceZone? floating;
        private readonly HashSet<string> keys = new(StringComparer.Ordinal);

        // What expansion left out because it lies after the horizon, so that the report can say so (a moderator
        // would otherwise see "seen 0" for a feed of series that start in three years).
        private bool beyondHorizon;
        private int seriesBeyond, seriesAllBeyond, overridesBeyond;

        private bool AfterWindow(Moment m) => m.AllDay ? m.Date > WindowEnd.InUtc().Date : m.Instant > WindowEnd;

        public void NoteHorizon()
        {
            var until = WindowEnd.InUtc().Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
            if (seriesBeyond > 0)
                Note($"{seriesBeyond} repeating series with exceptions {(seriesBeyond == 1 ? "has" : "have")} occurrences after the import horizon ({until}); those " +
                     "are not imported yet and arrive as the horizon moves forward" +
                     (seriesAllBeyond > 0 ? $". {seriesAllBeyond} of them {(seriesAllBeyond == 1 ? "has" : "have")} none before it, so nothing of them was imported yet." : "."));
            if (overridesBeyond > 0)
                Note($"{overridesBeyond} changed occurrence(s) of series take(s) place after the import horizon ({until}) and are not imported yet.");
        }

        public void Note(string note)
        {
            if (!Notes.Contains(note)) Notes.Add(note);
        }

        public void ReadCalendar(RawComponent calendar)
        {
            timezones = new Dictionary<string, RawComponent>(StringComparer.Ordinal);
            foreach (var tz in calendar.Children.Where(c => c.Name == "VTIMEZONE"))
            {
                // The TZID property is TEXT, so Outlook escapes the commas of its display names there but not in
                // the TZID parameters that refer to it.
                if (tz.Value("TZID") is { } id) timezones.TryAdd(id.Trim().Replace("\\,", ",").Replace("\\;", ";").Replace("\\\\", "\\"), tz);
            }
            zoneCache.Clear();
            calendarZoneName = calendar.Value("X-WR-TIMEZONE")?.Trim();
            floating = null;

            var parsed = new List<Parsed>();
            var position = 0;
            foreach (var raw in calendar.Children.Where(c => c.Name == "VEVENT"))
            {
                var uid = raw.Value("UID")?.Trim();
                if (uid?.Length == 0) uid = null;
                try
                {
                    parsed.Add(new Parsed(raw, Parse(raw), uid, position++));
                }
                catch (Exception e)
                {
                    Skipped.Add(new SkippedEvent(uid, $"The VEVENT could not be parsed: {e.Message}"));
                }
            }

            foreach (var group in parsed.GroupBy(p => p.Uid ?? $"\0{p.Position}"))
            {
                var items = group.ToList();
                var masters = items.Where(p => p.Raw.Value("RECURRENCE-ID") is null).ToList();
                var overrides = items.Where(p => p.Raw.Value("RECURRENCE-ID") is not null).ToList();
                Parsed? master = null;
                if (masters.Count > 0)
                {
                    master = masters.OrderByDescending(m => m.Event.Sequence)
                        .ThenByDescending(m => LastModified(m.Event) ?? DateTime.MinValue)
                        .ThenByDescending(m => m.Position).First();
                    foreach (var other in masters.Where(m => m != master))
                        Skipped.Add(new SkippedEvent(other.Uid, "Another VEVENT has the same UID; the one with the highest SEQUENCE (or the latest) was kept."));
                }
                try
                {
                    ReadGroup(master, overrides);
                }
                catch (ReadException e)
                {
                    Skipped.Add(new SkippedEvent(group.First().Uid, e.Message));
                }
            }
        }

        // What the reader takes from a VEVENT; anything else (attachments, attendees, alarms, vendor X- properties)
        // is ignored, so a line Ical.Net cannot parse there does not cost the event.
        private static readonly FrozenSet<string> Used = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "UID", "DTSTART", "DTEND", "DURATION", "SUMMARY", "DESCRIPTION", "LOCATION", "RRULE", "RDATE", "EXDATE",
            "RECURRENCE-ID", "STATUS", "SEQUENCE", "LAST-MODIFIED", "DTSTAMP", "ORGANIZER", "URL", "X-ALT-DESC",
        }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

        private static CalendarEvent Parse(RawComponent raw)
        {
            var lines = raw.Lines.Where(l => IcsText.Split(l) is { } p && Used.Contains(p.Name)).ToList();
            for (var attempt = 0; ; attempt++)
            {
                var text = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//import//EN\r\nBEGIN:VEVENT\r\n");
                foreach (var line in lines) text.Append(line).Append("\r\n");
                text.Append("END:VEVENT\r\nEND:VCALENDAR\r\n");
                try
                {
                    var calendar = Ical.Net.Calendar.Load(text.ToString()) ?? throw new InvalidOperationException("no calendar");
                    return calendar.Events.FirstOrDefault() ?? throw new InvalidOperationException("no VEVENT");
                }
                catch (Exception e) when (attempt < 5 && Unparsed(e, lines) is { } bad && !Essential(bad))
                {
                    lines.Remove(bad);
                }
            }
        }

        private static bool Essential(string line) =>
            IcsText.Split(line)?.Name.ToUpperInvariant() is "UID" or "DTSTART" or "RRULE" or "RECURRENCE-ID";

        private static string? Unparsed(Exception e, List<string> lines)
        {
            const string marker = "Could not parse line: '";
            var message = e.Message;
            var at = message.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0) return null;
            var line = message[(at + marker.Length)..].TrimEnd('\'', '.');
            return lines.FirstOrDefault(l => l == line) ?? lines.FirstOrDefault(l => line.StartsWith(l, StringComparison.Ordinal) || l.StartsWith(line, StringComparison.Ordinal));
        }

        private void ReadGroup(Parsed? master, List<Parsed> overrides)
        {
            if (master is null)
            {
                // Overrides without their series (an invitation to one occurrence): each stands alone.
                foreach (var o in overrides) Add(Single(o, RecurrenceMoment(o), cancelledByExdate: false));
                return;
            }
            var e = master.Event;
            var start = Start(master);
            var recurring = RuleCount(master) > 0 || HasRecurrenceDates(master);
            if (!recurring)
            {
                var replacement = overrides.FirstOrDefault(o => Same(RecurrenceMoment(o), start));
                Add(Single(replacement ?? master, null, cancelledByExdate: false, keyOverride: KeyOf(master, null)));
                foreach (var o in overrides.Where(o => o != replacement)) Add(Single(o, RecurrenceMoment(o), cancelledByExdate: false));
                return;
            }
            var end = End(master, start);
            if (overrides.Count == 0 && !HasExceptionDates(master) && !HasRecurrenceDates(master) && RuleCount(master) == 1
                && KeepAsSeries(master, start, end) is { } series)
            {
                Add(series);
                return;
            }
            Expand(master, start, end, overrides);
        }

        private void Add(ImportedEvent? item)
        {
            if (item is null) return;
            if (!keys.Add(item.Key))
            {
                Skipped.Add(new SkippedEvent(item.Uid, "Another VEVENT of the feed has the same UID and RECURRENCE-ID."));
                return;
            }
            Events.Add(item);
        }

        // ---- one event ----

        private ImportedEvent? Single(Parsed p, Moment? recurrenceId, bool cancelledByExdate, string? keyOverride = null)
        {
            var start = Start(p);
            var end = End(p, start);
            return Build(p, start, end, null, null, recurrenceId, cancelledByExdate, keyOverride);
        }

        private ImportedEvent Build(Parsed p, Moment start, Moment end, string? rule, DateTimeZone? storedZone,
            Moment? recurrenceId, bool cancelled, string? keyOverride = null)
        {
            var e = p.Event;
            var title = FeedText.Line(e.Summary, 200) ?? throw new ReadException("The event has no title (SUMMARY).");
            var input = new EventInput
            {
                Title = title,
                Description = Description(p),
                AllDay = start.AllDay,
                Recurrence = rule,
                Location = FeedText.Location(e.Location),
                Organizers = Organizer(e) is { } organizer ? [organizer] : null,
                MoreInfoUrl = p.Raw.Value("URL")?.Trim() is { } url && InputParsing.IsHttpUrl(url) ? url : null,
            };
            var join = JoinUrl(p);
            if (join is not null) input.Online = new OnlineInput { JoinUrl = join };

            if (start.AllDay)
            {
                var last = end.Date.PlusDays(-1);
                if (last < start.Date) last = start.Date;
                input.StartsOn = start.Date.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
                input.EndsOn = last.ToString("uuuu-MM-dd", CultureInfo.InvariantCulture);
            }
            else
            {
                var zone = storedZone ?? StoredZone(start.Zone!, [start.Instant, end.Instant], requireExact: true)
                    ?? throw new ReadException("The start cannot be written in any time zone (it falls in a repeated hour).");
                input.TimeZone = zone.Id;
                input.StartsAt = Format(start.Instant.InZone(zone).LocalDateTime);
                input.EndsAt = Format(end.Instant.InZone(zone).LocalDateTime);
            }

            var check = new EventInput
            {
                Title = input.Title, Description = input.Description, Kind = "other", AllDay = input.AllDay,
                StartsOn = input.StartsOn, EndsOn = input.EndsOn, StartsAt = input.StartsAt, EndsAt = input.EndsAt,
                TimeZone = input.TimeZone, Recurrence = input.Recurrence, Location = input.Location, Online = input.Online,
                Organizers = input.Organizers, MoreInfoUrl = input.MoreInfoUrl,
            };
            var result = Validator.Validate(check);
            if (!result.IsValid)
                throw new ReadException("The event does not fit the event model: " + string.Join(" ", result.Errors.Select(x => x.ErrorMessage).Distinct()));

            var rid = recurrenceId?.RecurrenceKey;
            var status = e.Status?.Trim();
            return new ImportedEvent(
                keyOverride ?? KeyOf(p, rid),
                p.Uid,
                rid,
                input,
                Math.Max(0, e.Sequence),
                LastModified(e),
                cancelled || string.Equals(status, "CANCELLED", StringComparison.OrdinalIgnoreCase));
        }

        private static string Format(LocalDateTime local) =>
            local.Second == 0
                ? local.ToString("uuuu'-'MM'-'dd'T'HH':'mm", CultureInfo.InvariantCulture)
                : local.ToString("uuuu'-'MM'-'dd'T'HH':'mm':'ss", CultureInfo.InvariantCulture);

        private static string KeyOf(Parsed p, string? rid)
        {
            var uid = p.Uid;
            if (uid is null)
            {
                var seed = $"{p.Raw.Value("DTSTART")}\n{p.Event.Summary}";
                uid = "no-uid:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..32];
            }
            return rid is null ? uid : $"{uid}|{rid}";
        }

        private static DateTime? LastModified(CalendarEvent e)
        {
            var value = e.LastModified ?? e.DtStamp;
            if (value is null || !value.HasTime) return null;
            return DateTime.SpecifyKind(value.Value, DateTimeKind.Utc);
        }

        private static string? Description(Parsed p)
        {
            var description = p.Event.Description;
            if (string.IsNullOrWhiteSpace(description) || FeedText.LooksLikeHtml(description) && AltDescription(p) is not null)
                description = AltDescription(p) ?? description;
            return FeedText.Description(description, 10_000);
        }

        private static string? AltDescription(Parsed p)
        {
            var property = p.Event.Properties.FirstOrDefault(x => x.Name.Equals("X-ALT-DESC", StringComparison.OrdinalIgnoreCase));
            var value = property?.Value?.ToString();
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }

        private static string? Organizer(CalendarEvent e)
        {
            var name = e.Organizer?.CommonName?.Trim().Trim('"', '\'').Trim();
            return FeedText.Line(name, 200);
        }

        private static string? JoinUrl(Parsed p)
        {
            var properties = new List<string?>();
            foreach (var name in new[] { "CONFERENCE", "X-GOOGLE-CONFERENCE", "X-MICROSOFT-SKYPETEAMSMEETINGURL", "X-MICROSOFT-ONLINEMEETINGEXTERNALLINK" })
                properties.AddRange(p.Raw.Properties(name).Select(x => x.Value));
            return FeedText.JoinUrl(properties, [p.Event.Location, p.Event.Description, AltDescription(p)]);
        }

        // ---- time ----

        private Moment Start(Parsed p) =>
            p.Event.DtStart is { } start ? Resolve(start) : throw new ReadException("The event has no start (DTSTART).");

        private Moment End(Parsed p, Moment start)
        {
            var e = p.Event;
            if (e.DtEnd is { } dtEnd)
            {
                var end = Resolve(dtEnd, start);
                if (start.AllDay)
                {
                    if (!end.AllDay) end = end with { AllDay = true, Date = end.Local.Date.PlusDays(end.Local.TimeOfDay == LocalTime.Midnight ? 0 : 1) };
                    return end.Date <= start.Date ? start with { Date = start.Date.PlusDays(1) } : end;
                }
                if (end.Instant < start.Instant)
                {
                    // The start is what people act on; an end before it is a slip, so it is replaced like a missing one.
                    Note($"\"{FeedText.Line(p.Event.Summary, 80)}\" ends before it starts; it was given an end an hour after its start.");
                    return DefaultEnd(start);
                }
                return end.Instant == start.Instant ? DefaultEnd(start) : end;
            }
            if (e.Duration is { } duration)
            {
                if (duration.Sign < 0) throw new ReadException("The event's DURATION is negative.");
                var days = (duration.Weeks ?? 0) * 7 + (duration.Days ?? 0);
                var exact = Duration.FromHours(duration.Hours ?? 0) + Duration.FromMinutes(duration.Minutes ?? 0) + Duration.FromSeconds(duration.Seconds ?? 0);
                if (start.AllDay)
                {
                    var span = Math.Max(1, days + (exact > Duration.Zero ? 1 : 0));
                    return start with { Date = start.Date.PlusDays(span) };
                }
                // RFC 5545: days and weeks are nominal (wall clock), hours and minutes exact.
                var local = start.Instant.InZone(DateTimeZone.ForOffset(start.Zone!.OffsetAt(start.Instant))).LocalDateTime.PlusDays(days);
                var instant = (days == 0 ? start.Instant : start.Zone.ToInstant(local)) + exact;
                return instant == start.Instant ? DefaultEnd(start) : start with { Instant = instant };
            }
            // No end: a date lasts that day; a time gets an hour, since the stored model needs an end after the start.
            return start.AllDay ? start with { Date = start.Date.PlusDays(1) } : DefaultEnd(start);
        }

        private static Moment DefaultEnd(Moment start) => start with { Instant = start.Instant + Duration.FromHours(1) };

        // Read from the line itself: Ical.Net drops the value when RANGE=THISANDFUTURE is there, which is then
        // read like a plain override (no producer we have seen relies on the range).
        private Moment RecurrenceMoment(Parsed p)
        {
            var (parameters, value) = p.Raw.Property("RECURRENCE-ID") ?? throw new ReadException("Its RECURRENCE-ID cannot be read.");
            try
            {
                var tzid = IcsText.Parameter(parameters, "TZID");
                var text = value.Trim();
                return Resolve(text.Length == 8
                    ? new CalDateTime(DateOnly.ParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture))
                    : new CalDateTime(text, text.EndsWith('Z') ? null : tzid));
            }
            catch (Exception e) when (e is not ReadException)
            {
                throw new ReadException($"Its RECURRENCE-ID \"{FeedText.Cut(value, 40)}\" cannot be read.");
            }
        }

        private static int RuleCount(Parsed p) => p.Raw.Properties("RRULE").Count();

        /// <summary>Whether a RECURRENCE-ID or EXDATE names this occurrence. Producers mix value types (Exchange
        /// writes an all-day series' RECURRENCE-ID as local midnight) and zones (an EXDATE in another TZID than the
        /// series): a date matches by day, and a time that meets no occurrence exactly matches by wall clock.</summary>
        private static bool Same(Moment a, Moment b) =>
            a.AllDay || b.AllDay ? a.Local.Date == b.Local.Date : a.Instant == b.Instant;

        private static bool SameWallClock(Moment a, Moment b) => !a.AllDay && !b.AllDay && a.Local == b.Local;

        private static Moment? Match(Moment id, IReadOnlyList<Moment> occurrences) =>
            occurrences.FirstOrDefault(o => Same(id, o)) ?? occurrences.FirstOrDefault(o => SameWallClock(id, o));

        /// <summary>Resolves a DATE or DATE-TIME; <paramref name="context"/> gives an all-day start's dates to a
        /// DATE-TIME DTEND and a timed start's zone to a DATE.</summary>
        private Moment Resolve(CalDateTime value, Moment? context = null)
        {
            if (!value.HasTime)
            {
                var date = LocalDate.FromDateOnly(value.Date);
                if (context is { AllDay: false } timed)
                    return timed with { Instant = timed.Zone!.ToInstant(date.AtMidnight()) };
                return new Moment(true, date, default, null);
            }
            var local = LocalDateTime.FromDateTime(value.Value);
            if (value.IsUtc)
            {
                var instant = local.InUtc().ToInstant();
                return new Moment(false, local.Date, instant, UtcZone());
            }
            var zone = value.TzId is { } tzid ? Zone(tzid) : FloatingZone();
            var at = zone.ToInstant(local);
            return new Moment(false, local.Date, at, zone);
        }

        private SourceZone UtcZone()
        {
            var hints = new List<DateTimeZone>();
            if (CalendarZone() is { } calendarZone) hints.Add(calendarZone);
            if (TimeZones.Find(options.DefaultTimeZone) is { } fallback) hints.Add(fallback);
            hints.Add(DateTimeZone.Utc);
            return new FixedOffsetZone(Offset.Zero, "UTC") { Hints = hints };
        }

        private DateTimeZone? CalendarZone() => calendarZoneName is null ? null : ZoneNames.Resolve(calendarZoneName, now);

        private SourceZone FloatingZone()
        {
            if (floating is not null) return floating;
            if (CalendarZone() is { } calendarZone)
            {
                Note($"Times without a zone (floating) were read in {calendarZone.Id}, the calendar's X-WR-TIMEZONE.");
                return floating = SourceZone.Of(calendarZone);
            }
            if (TimeZones.Find(options.DefaultTimeZone) is { } fallback)
            {
                Note($"Times without a zone (floating) were read in {fallback.Id}, the source's time zone.");
                return floating = SourceZone.Of(fallback);
            }
            Note("Times without a zone (floating) were read as UTC: the feed has no X-WR-TIMEZONE and the source no time zone.");
            return floating = SourceZone.Of(DateTimeZone.Utc);
        }

        /// <summary>
        /// The wall clock of a TZID. The file's own VTIMEZONE decides when it has rules (RFC 5545; what Outlook and
        /// ical.js do), so a custom or outdated definition still gives the instants the producer meant; its name
        /// only suggests the IANA zone to store. Without a VTIMEZONE the name must say the zone unambiguously.
        /// </summary>
        private SourceZone Zone(string tzid)
        {
            var id = tzid.Trim().Trim('"');
            if (zoneCache.TryGetValue(id, out var cached))
                return cached ?? throw new ReadException(zoneProblems[id]);

            SourceZone? zone = null;
            var named = ZoneNames.Resolve(id, now);
            var definition = timezones.GetValueOrDefault(id)
                ?? timezones.FirstOrDefault(t => string.Equals(t.Key.Trim('"'), id, StringComparison.OrdinalIgnoreCase)).Value;
            if (definition is not null)
            {
                var hints = new List<DateTimeZone>();
                if (named is not null) hints.Add(named);
                if (ZoneNames.Resolve(definition.Value("X-LIC-LOCATION"), now) is { } location) hints.Add(location);
                var rules = VTimeZoneRules.Read(definition, id, Math.Max(now.InUtc().Year, 2000) + 12);
                if (rules is not null && named is not null && named.Id.Equals(id, StringComparison.OrdinalIgnoreCase)
                    && !rules.Transitions(Instant.MinValue, Instant.MaxValue).Any() && HasDaylightSaving(named))
                {
                    // A one-offset stub for an IANA name that keeps daylight-saving time (some generators write the
                    // winter offset only): the name is what the producer chose, the stub what its library wrote.
                    Note($"The feed's VTIMEZONE for {id} has no daylight-saving time although the zone has; times in {id} were read with the IANA zone.");
                }
                else if (rules is not null) zone = new VTimeZoneRulesWithHints(rules, hints);
            }
            if (zone is null && named is not null) zone = SourceZone.Of(named);
            if (zone is null && ZoneNames.ExplicitOffset(id) is { } offset)
                zone = new FixedOffsetZone(offset, id) { Hints = [DateTimeZone.ForOffset(offset)] };
            zoneCache[id] = zone;
            if (zone is null)
            {
                zoneProblems[id] = $"Its time zone \"{id}\" is neither defined in the feed (VTIMEZONE) nor a known zone name, so the time it means is unknown.";
                throw new ReadException(zoneProblems[id]);
            }
            if (zone is VTimeZoneRulesWithHints && named is null)
                Note($"Times in \"{id}\" were read with the feed's own VTIMEZONE definition.");
            return zone;
        }

        private bool HasDaylightSaving(DateTimeZone zone) =>
            zone.GetZoneIntervals(now - Duration.FromDays(400), now + Duration.FromDays(800)).Select(i => i.WallOffset).Distinct().Count() > 1;

        /// <summary>
        /// The IANA zone to store a timed event in: one that gives back exactly the instants the source means. The
        /// zone itself for IANA sources; for a VTIMEZONE or a fixed offset, a zone its name suggests or else one
        /// whose offsets agree through the year; UTC when none does.
        /// </summary>
        private DateTimeZone? StoredZone(SourceZone source, IReadOnlyList<Instant> instants, bool requireExact,
            Func<DateTimeZone, bool>? accept = null)
        {
            var utcSource = source is FixedOffsetZone { Offset.Ticks: 0 };
            bool Fits(DateTimeZone zone, IEnumerable<Instant> at) =>
                (!requireExact || instants.All(i => TimeZones.ToInstant(i.InZone(zone).LocalDateTime, zone) == i))
                // A zone stands for the source's wall clock only where its offsets agree; UTC instants have none.
                && (utcSource || at.All(i => zone.GetUtcOffset(i) == source.OffsetAt(i)))
                && (accept is null || accept(zone));

            if (source is IanaZone iana && Fits(iana.Zone, instants)) return iana.Zone;
            foreach (var hint in source.Hints)
            {
                if (Fits(hint, instants)) return hint;
            }
            if (source is VTimeZoneRulesWithHints || source is FixedOffsetZone && !utcSource)
            {
                var samples = instants.Concat(YearSamples(instants)).Concat(TransitionSamples(source, instants)).ToList();
                foreach (var candidate in SearchOrder.Value)
                {
                    if (Fits(candidate, samples)) return candidate;
                }
            }
            // UTC always gives back the instants, though not the source's wall clock.
            return accept is null || accept(DateTimeZone.Utc) ? DateTimeZone.Utc : null;
        }

        // Both sides of each change of the VTIMEZONE in those years, so that a zone changing on the same days at
        // another hour (Beirut against Bucharest) does not pass for it.
        private static IEnumerable<Instant> TransitionSamples(SourceZone source, IEnumerable<Instant> instants)
        {
            if (source is not VTimeZoneRulesWithHints rules) yield break;
            foreach (var year in instants.Select(i => i.InUtc().Year).Distinct())
            {
                foreach (var t in rules.Rules.Transitions(Instant.FromUtc(year, 1, 1, 0, 0), Instant.FromUtc(year, 12, 31, 23, 59)))
                {
                    yield return t - Duration.FromSeconds(1);
                    yield return t;
                }
            }
        }

        private static IEnumerable<Instant> YearSamples(IEnumerable<Instant> instants)
        {
            foreach (var year in instants.Select(i => i.InUtc().Year).Distinct())
            {
                for (var month = 1; month <= 12; month++)
                {
                    yield return Instant.FromUtc(year, month, 1, 12, 0);
                    yield return Instant.FromUtc(year, month, 15, 12, 0);
                }
            }
        }

        // Zones tried for a VTIMEZONE no name identifies: the CLDR "primary" zone of each Windows zone first (the
        // zones people name), then every other canonical IANA zone.
        private static readonly Lazy<IReadOnlyList<DateTimeZone>> SearchOrder = new(() =>
        {
            var primary = TzdbDateTimeZoneSource.Default.WindowsMapping.PrimaryMapping.Values.Distinct().Order(StringComparer.Ordinal);
            var canonical = TzdbDateTimeZoneSource.Default.CanonicalIdMap.Where(kv => kv.Key == kv.Value).Select(kv => kv.Key).Order(StringComparer.Ordinal);
            return primary.Concat(canonical).Distinct().Where(id => id != "UTC" && !id.StartsWith("Etc/", StringComparison.Ordinal))
                .Select(id => DateTimeZoneProviders.Tzdb[id]).ToList();
        });

        // ---- series ----

        private static bool HasExceptionDates(Parsed p) => p.Raw.Properties("EXDATE").Any(x => x.Value.Trim().Length > 0);

        private static bool HasRecurrenceDates(Parsed p) => p.Raw.Properties("RDATE").Any(x => x.Value.Trim().Length > 0);

        /// <summary>The values of RDATE or EXDATE lines, read from the lines (several values, TZID, VALUE=DATE or
        /// PERIOD, whose start counts); a value that cannot be read is left out with a note.</summary>
        private List<Moment> Dates(Parsed p, string property, Moment? context)
        {
            var list = new List<Moment>();
            foreach (var (parameters, value) in p.Raw.Properties(property))
            {
                var tzid = IcsText.Parameter(parameters, "TZID");
                foreach (var raw in value.Split(','))
                {
                    var text = raw.Split('/')[0].Trim();
                    if (text.Length == 0) continue;
                    try
                    {
                        var date = text.Length == 8
                            ? new CalDateTime(DateOnly.ParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture))
                            : new CalDateTime(text, text.EndsWith('Z') ? null : tzid);
                        list.Add(Resolve(date, context));
                    }
                    catch (Exception e) when (e is not ReadException)
                    {
                        Note($"{property} value \"{FeedText.Cut(text, 40)}\" of \"{FeedText.Line(p.Event.Summary, 80)}\" cannot be read and was ignored.");
                    }
                }
            }
            return list;
        }

        /// <summary>The series as one stored event, when the model reproduces every occurrence of the horizon.</summary>
        private ImportedEvent? KeepAsSeries(Parsed master, Moment start, Moment end)
        {
            var rule = master.Raw.Value("RRULE")?.Trim();
            if (rule is null || rule.Length > 500) return null;
            List<Moment> expected;
            try
            {
                expected = SourceOccurrences(master, start, end, out var truncated);
                if (truncated) return null;
            }
            catch (ReadException)
            {
                return null;
            }

            if (start.AllDay)
            {
                if (SeriesRules.Check(rule, start.Date.AtMidnight(), true, null) is not null) return null;
                var stored = StoredStarts(rule, start.Date.AtMidnight(), true, null).Select(l => l.Date).ToList();
                if (!stored.SequenceEqual(expected.Select(m => m.Date))) return null;
                return Build(master, start, end, rule, null, null, false);
            }

            bool Reproduces(DateTimeZone zone)
            {
                var first = start.Instant.InZone(zone).LocalDateTime;
                if (SeriesRules.Check(rule, first, false, zone) is not null) return false;
                var stored = StoredStarts(rule, first, false, zone).Select(l => TimeZones.ToInstantLenient(l, zone)).ToList();
                return stored.SequenceEqual(expected.Select(m => m.Instant));
            }
            var zone = StoredZone(start.Zone!, [start.Instant, end.Instant], requireExact: true, accept: Reproduces);
            return zone is null ? null : Build(master, start, end, rule, zone, null, false);
        }

        private IEnumerable<LocalDateTime> StoredStarts(string rule, LocalDateTime first, bool allDay, DateTimeZone? zone)
        {
            var from = WindowStart.InZone(zone ?? DateTimeZone.Utc).LocalDateTime.PlusDays(-2);
            var until = WindowEnd.InZone(zone ?? DateTimeZone.Utc).LocalDateTime;
            return SeriesRules.LocalStarts(rule, first, allDay, zone, from)
                .TakeWhile(l => l <= until.PlusDays(2))
                .Where(l => InWindow(allDay, l, zone))
                .Take(2000);
        }

        private bool InWindow(bool allDay, LocalDateTime local, DateTimeZone? zone)
        {
            if (allDay) return local.Date >= WindowStart.InUtc().Date && local.Date <= WindowEnd.InUtc().Date;
            var instant = TimeZones.ToInstantLenient(local, zone!);
            return instant >= WindowStart && instant <= WindowEnd;
        }

        private bool InWindow(Moment m) =>
            m.AllDay ? m.Date >= WindowStart.InUtc().Date && m.Date <= WindowEnd.InUtc().Date : m.Instant >= WindowStart && m.Instant <= WindowEnd;

        /// <summary>The starts of the series within the horizon as the source means them: RRULEs expanded in the
        /// source's wall clock, RDATEs added, EXDATEs removed.</summary>
        private List<Moment> SourceOccurrences(Parsed master, Moment start, Moment end, out bool truncated, bool withoutExceptions = false)
        {
            truncated = false;
            beyondHorizon = false;
            var e = master.Event;
            var results = new List<Moment>();
            var wall = start.AllDay ? null : start.Zone!;
            var firstLocal = start.AllDay ? start.Date.AtMidnight() : start.Instant.InZone(DateTimeZone.ForOffset(wall!.OffsetAt(start.Instant))).LocalDateTime;
            var windowEndLocal = start.AllDay ? WindowEnd.InUtc().LocalDateTime : WindowEnd.InZone(DateTimeZone.ForOffset(wall!.OffsetAt(WindowEnd))).LocalDateTime;
            var windowStartLocal = (start.AllDay ? WindowStart.InUtc().LocalDateTime : WindowStart.InZone(DateTimeZone.ForOffset(wall!.OffsetAt(WindowStart))).LocalDateTime).PlusDays(-2);

            if (RuleCount(master) > 0)
            {
                CalDateTime? from = windowStartLocal > firstLocal
                    ? start.AllDay ? new CalDateTime(windowStartLocal.Date.ToDateOnly()) : new CalDateTime(windowStartLocal.ToDateTimeUnspecified(), null, true)
                    : null;
                foreach (var (_, value) in master.Raw.Properties("RRULE"))
                {
                    RecurrenceRule rule;
                    try { rule = new RecurrenceRule(value.Trim()); }
                    catch (Exception) { throw new ReadException($"Its RRULE \"{FeedText.Cut(value, 100)}\" cannot be read."); }
                    if (rule.Until is { } until)
                    {
                        LocalDateTime untilLocal;
                        if (!until.HasTime) untilLocal = LocalDate.FromDateOnly(until.Date).At(new LocalTime(23, 59, 59));
                        else if (until.IsUtc && wall is not null)
                        {
                            var instant = Instant.FromDateTimeUtc(DateTime.SpecifyKind(until.Value, DateTimeKind.Utc));
                            untilLocal = instant.InZone(DateTimeZone.ForOffset(wall.OffsetAt(instant))).LocalDateTime;
                        }
                        else untilLocal = LocalDateTime.FromDateTime(until.Value);
                        rule.Until = start.AllDay
                            ? new CalDateTime(untilLocal.Date.ToDateOnly())
                            : new CalDateTime(untilLocal.ToDateTimeUnspecified(), null, true);
                    }
                    var evaluated = new CalendarEvent
                    {
                        DtStart = start.AllDay
                            ? new CalDateTime(firstLocal.Date.ToDateOnly())
                            : new CalDateTime(firstLocal.ToDateTimeUnspecified(), null, true),
                        RecurrenceRule = rule,
                    };
                    var count = 0;
                    try
                    {
                        var options = new Ical.Net.Evaluation.EvaluationOptions { MaxUnmatchedIncrementsLimit = 5000 };
                        // A DTSTART the rule does not produce is left out, as Ical.Net and ical.js do (RFC 5545
                        // leaves that set undefined).
                        var locals = evaluated.GetOccurrences(from, options)
                            .Select(o => start.AllDay ? LocalDate.FromDateOnly(o.Period.StartTime.Date).AtMidnight() : LocalDateTime.FromDateTime(o.Period.StartTime.Value));
                        foreach (var local in locals)
                        {
                            if (local > windowEndLocal.PlusDays(2)) { beyondHorizon = true; break; }
                            if (++count > 3000) { truncated = true; break; }
                            var moment = start.AllDay
                                ? new Moment(true, local.Date, default, null)
                                : new Moment(false, local.Date, wall!.ToInstant(local), wall);
                            if (InWindow(moment) && !results.Any(r => Same(r, moment))) results.Add(moment);
                            else if (AfterWindow(moment)) beyondHorizon = true;
                        }
                    }
                    catch (Exception ex) when (ex is not ReadException)
                    {
                        throw new ReadException($"Its RRULE cannot be evaluated: {ex.Message}");
                    }
                }
            }
            else if (InWindow(start))
            {
                results.Add(start);
            }
            else if (AfterWindow(start)) beyondHorizon = true;

            foreach (var moment in Dates(master, "RDATE", start))
            {
                var m = start.AllDay && !moment.AllDay ? new Moment(true, moment.Local.Date, default, null) : moment;
                if (InWindow(m) && !results.Any(r => Same(r, m))) results.Add(m);
                else if (AfterWindow(m)) beyondHorizon = true;
            }
            foreach (var exdate in withoutExceptions ? [] : Dates(master, "EXDATE", null))
            {
                if (Match(exdate, results) is { } hit) results.Remove(hit);
                else if (results.Where(r => r.Local.Date == exdate.Local.Date).ToList() is [var only])
                {
                    // An EXDATE whose time meets no occurrence, on a day with one occurrence, can only mean that one.
                    results.Remove(only);
                    Note($"An EXDATE of \"{FeedText.Line(e.Summary, 80)}\" at a time the series does not have removed its occurrence that day.");
                }
            }
            results.Sort((a, b) => a.AllDay ? a.Date.CompareTo(b.Date) : a.Instant.CompareTo(b.Instant));
            if (results.Count > 1000) { truncated = true; results.RemoveRange(1000, results.Count - 1000); }
            return results;
        }


        private void Expand(Parsed master, Moment start, Moment end, List<Parsed> overrides)
        {
            var occurrences = SourceOccurrences(master, start, end, out var truncated);
            if (beyondHorizon)
            {
                seriesBeyond++;
                if (occurrences.Count == 0) seriesAllBeyond++;
            }
            var listed = SourceOccurrences(master, start, end, out _, withoutExceptions: true);
            if (truncated)
                Note($"Series \"{FeedText.Line(master.Event.Summary, 80)}\" has more than 1,000 occurrences in the horizon; only the first 1,000 were imported.");
            var byRecurrence = overrides.Select(o => (Override: o, Id: RecurrenceMomentOrNull(o))).ToList();
            foreach (var (o, id) in byRecurrence.Where(x => x.Id is null))
                Skipped.Add(new SkippedEvent(o.Uid, "Its RECURRENCE-ID cannot be read."));

            var length = start.AllDay ? Period.FromDays(Period.Between(start.Date, end.Date, PeriodUnits.Days).Days) : null;
            var exact = start.AllDay ? Duration.Zero : end.Instant - start.Instant;
            foreach (var occurrence in occurrences)
            {
                if (byRecurrence.Any(x => x.Id is not null && Match(x.Id, listed) == occurrence)) continue;
                var occurrenceEnd = occurrence.AllDay
                    ? occurrence with { Date = occurrence.Date.Plus(length!) }
                    : occurrence with { Instant = occurrence.Instant + exact };
                try
                {
                    Add(Build(master, occurrence, occurrenceEnd, null, null, occurrence, false));
                }
                catch (ReadException e)
                {
                    Skipped.Add(new SkippedEvent(master.Uid, $"{e.Message} (occurrence {occurrence.RecurrenceKey})"));
                }
            }
            foreach (var (o, id) in byRecurrence.Where(x => x.Id is not null))
            {
                try
                {
                    var oStart = Start(o);
                    var oEnd = End(o, oStart);
                    // An override counts where it now takes place; one moved out of the horizon is left out like
                    // any occurrence there.
                    if (!InWindow(oStart))
                    {
                        if (AfterWindow(oStart)) overridesBeyond++;
                        continue;
                    }
                    // The override stands for the occurrence it names; keyed by that occurrence's own instant so
                    // that the key does not depend on how the producer wrote the RECURRENCE-ID.
                    var original = Match(id!, listed);
                    var exdated = original is not null && !occurrences.Contains(original);
                    Add(Build(o, oStart, oEnd, null, null, original ?? id, exdated));
                }
                catch (ReadException e)
                {
                    Skipped.Add(new SkippedEvent(o.Uid, $"{e.Message} (occurrence {id!.RecurrenceKey})"));
                }
            }
        }

        private Moment? RecurrenceMomentOrNull(Parsed p)
        {
            try { return RecurrenceMoment(p); }
            catch (ReadException) { return null; }
        }
    }

    /// <summary>VTIMEZONE rules plus the IANA zones the name or X-LIC-LOCATION suggest for storage.</summary>
    private sealed class VTimeZoneRulesWithHints : SourceZone
    {
        private readonly VTimeZoneRules rules;

        public VTimeZoneRules Rules => rules;

        public VTimeZoneRulesWithHints(VTimeZoneRules rules, IReadOnlyList<DateTimeZone> hints)
        {
            this.rules = rules;
            Hints = hints;
        }

        public override string Label => rules.Label;
        public override Offset OffsetAt(Instant instant) => rules.OffsetAt(instant);
        public override Instant ToInstant(LocalDateTime local) => rules.ToInstant(local);
    }
}
