using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Calendar.Core.Events;
using Calendar.Core.Import;
using Dapper;
using FluentValidation;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>What the queue shows about an imported event: where it came from and what it may duplicate.</summary>
public sealed class ImportNote
{
    public Guid EventId { get; init; }
    public Guid SourceId { get; init; }
    public string SourceName { get; init; } = "";
    public Guid? DuplicateOf { get; init; }
    public string? DuplicateTitle { get; init; }
    public string[] LocalFields { get; init; } = [];
}

/// <summary>
/// Applies one reading of a source's feed to the events, in one transaction with the run's report and the audit
/// rows: identity by (source, key), moderation, per-field local edits, rejection memory, duplicate flags,
/// cancellation of what vanished, and the hold when too much vanishes at once.
/// </summary>
public sealed class ImportStore(NpgsqlDataSource dataSource, IValidator<EventInput> validator)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ApplyAsync(Source source, Guid lease, SourceRun run, FeedReadResult feed, bool acceptRemovals, double maxVanishShare,
        DateTime now, TimeSpan horizonPast, TimeSpan horizonFuture, string? etag, string? lastModified, DateTime nextRunAt, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var held = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select true from sources where id = @id and lease_token = @lease for update", new { id = source.Id, lease }, transaction, cancellationToken: ct));
        if (!held)
        {
            // Another instance took over after this one's lease ran out; its run is the one that counts.
            await transaction.RollbackAsync(ct);
            run.Outcome = RunOutcome.Failed;
            run.Problem = "The run took longer than its lease and another instance took over; this run changed nothing.";
            await SourceStore.WriteRunAsync(connection, null, run, ct);
            return;
        }

        var rows = (await connection.QueryAsync<ImportedRow>(new CommandDefinition("""
            select key, recurrence_id, event_id, source_values::text as source_values_json, source_hash, local_fields
              from imported_events where source_id = @id
            """, new { id = source.Id }, transaction, cancellationToken: ct))).ToDictionary(r => r.Key, StringComparer.Ordinal);
        var events = (await connection.QueryAsync<Event>(new CommandDefinition(
            $"select {EventStore.Columns} from events where id = any(@ids) for update",
            new { ids = rows.Values.Select(r => r.EventId).ToArray() }, transaction, cancellationToken: ct))).ToDictionary(e => e.Id);

        run.Seen = feed.Events.Count;
        run.Notes.AddRange(feed.Notes);
        run.Skipped.AddRange(feed.Skipped.Select(s => new SkippedItem(s.Uid, s.Reason)));

        // Disappearance is judged first: a hold changes nothing at all.
        var inFeed = feed.Events.Select(e => e.Key).ToHashSet(StringComparer.Ordinal);
        var reshaped = SeriesReshaping.Plan(rows.Values.Select(r => (r.Key, r.RecurrenceId, r.EventId)).ToList(), feed.Events, events, now);
        var horizonEnd = now + horizonFuture;
        var upcoming = rows.Values
            .Where(r => events.TryGetValue(r.EventId, out var e) && e.Status != EventStatus.Cancelled && e.Moderation != ModerationState.Rejected
                        && (e.SeriesEndsAt ?? DateTime.MaxValue) > now
                        // The reader expands series only up to its horizon, so an occurrence after it is not
                        // missing (e.g. the horizon was shortened). Single events are read at any distance.
                        && (r.RecurrenceId is null || e.StartsAt <= horizonEnd))
            .ToList();
        var vanished = upcoming.Where(r => !inFeed.Contains(r.Key) && !reshaped.Moves.ContainsKey(r.Key) && !reshaped.Superseded.Contains(r.Key)).ToList();
        if (vanished.Count > 0 && vanished.Count > maxVanishShare * upcoming.Count && !acceptRemovals)
        {
            run.Outcome = RunOutcome.Held;
            run.Problem = $"{vanished.Count} of this source's {upcoming.Count} upcoming events ({100.0 * vanished.Count / upcoming.Count:0} %) " +
                          $"are missing from the feed. More than {maxVanishShare * 100:0} % vanishing at once usually means a broken or " +
                          "truncated feed, so nothing was changed. If the partner really removed them, run it again accepting the removals.";
            await SourceStore.FinishRunAsync(connection, transaction, run, lease, nextRunAt, failed: false, null, null, keepValidators: true, ct);
            await transaction.CommitAsync(ct);
            return;
        }

        var actor = source.Actor;
        await ReshapeAsync(connection, transaction, source.Id, reshaped, rows, events, actor, ct);
        var firstOfKey = new HashSet<string>(StringComparer.Ordinal);
        var past = 0;
        foreach (var item in feed.Events)
        {
            if (!firstOfKey.Add(item.Key))
            {
                run.Skipped.Add(new SkippedItem(item.Uid, "The feed has this UID (and RECURRENCE-ID) more than once; the first was imported."));
                continue;
            }
            var (draft, problem) = await DraftAsync(item, source, ct);
            if (draft is null)
            {
                run.Skipped.Add(new SkippedItem(item.Uid, $"“{Shorten(item.Input.Title ?? "(no title)")}”: {problem}"));
                continue;
            }
            var values = ImportFields.Of(draft);
            var hash = ImportFields.Hash(values);

            // One item the database refuses (a constraint the validator does not know) is skipped, not the whole run.
            var counts = (run.Created, run.Updated, run.Cancelled, run.Unchanged);
            await transaction.SaveAsync("item", ct);
            try
            {
                if (!rows.TryGetValue(item.Key, out var row))
                {
                    if (item.Cancelled) { run.Unchanged++; continue; } // cancelled before we ever had it
                    if ((draft.SeriesEndsAt ?? DateTime.MaxValue) < now - horizonPast) { past++; continue; }
                    await CreateAsync(connection, transaction, source, item, draft, values, hash, actor,
                        reshaped.Moderation.GetValueOrDefault(SeriesReshaping.BaseKey(item.Key, item.RecurrenceId)), ct);
                    run.Created++;
                    continue;
                }
                if (row.SourceHash == hash || !events.TryGetValue(row.EventId, out var current))
                {
                    // Unchanged at the source, or deleted here by a moderator (and so never brought back).
                    run.Unchanged++;
                    continue;
                }

                var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(row.SourceValuesJson, Json) ?? [];
                var now_ = ImportFields.Of(current);
                var local = ImportFields.Names.Where(f => stored.TryGetValue(f, out var s) && now_[f] != s).ToArray();
                var merged = ImportFields.KeepLocal(draft with { ContactEmail = current.ContactEmail }, current, local);
                // A rejected event the source changed goes back to the queue; one the source cancelled stays rejected.
                var requeue = current.Moderation == ModerationState.Rejected && merged.Status != EventStatus.Cancelled;
                var changed = (current.Moderation != ModerationState.Rejected || requeue)
                              && (ImportFields.Hash(ImportFields.Of(merged)) != ImportFields.Hash(now_) || requeue);
                if (changed)
                {
                    await UpdateEventAsync(connection, transaction, current.Id, merged, requeue ? ModerationState.Pending : current.Moderation, ct);
                    var what = item.Cancelled && merged.Status == EventStatus.Cancelled && current.Status != EventStatus.Cancelled
                        ? ModerationAction.Cancelled : ModerationAction.Edited;
                    await LogAsync(connection, transaction, current.Id, actor, what,
                        (requeue ? "Changed by the source after it was rejected: queued for review again." : "Updated from the source's feed.")
                        + (local.Length > 0 ? $" Kept the local {string.Join(", ", local)}." : ""), ct);
                    if (what == ModerationAction.Cancelled) run.Cancelled++; else run.Updated++;
                }
                else run.Unchanged++;
                await SaveRowAsync(connection, transaction, source.Id, item.Key, values, hash, local, ct);
            }
            catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal))
            {
                await transaction.RollbackAsync("item", ct);
                (run.Created, run.Updated, run.Cancelled, run.Unchanged) = counts;
                run.Skipped.Add(new SkippedItem(item.Uid, $"“{Shorten(draft.Title)}” could not be stored: {ex.MessageText}"));
            }
            finally
            {
                // Released at once, so that a long feed does not pile up open subtransactions.
                try { await transaction.ReleaseAsync("item", ct); } catch (PostgresException) { /* the transaction failed; that error propagates */ }
            }
        }
        if (past > 0) run.Notes.Add($"{past} events that ended before the import window ({horizonPast.TotalDays:0} days) were not imported.");

        foreach (var row in vanished)
        {
            var e = events[row.EventId];
            await connection.ExecuteAsync(new CommandDefinition($"""
                update events set status = '{EventStatus.Cancelled}', sequence = sequence + 1, revision = revision + 1,
                       updated_at = greatest(now(), updated_at)
                 where id = @id and status <> '{EventStatus.Cancelled}'
                """, new { id = e.Id }, transaction, cancellationToken: ct));
            await LogAsync(connection, transaction, e.Id, actor, ModerationAction.Cancelled,
                "No longer in the source's feed: cancelled (it stays in feeds as cancelled).", ct);
            // The source's own value is now "cancelled", so the event comes back if the feed lists it again.
            var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(row.SourceValuesJson, Json) ?? [];
            stored["status"] = JsonSerializer.Serialize(EventStatus.Cancelled);
            await SaveRowAsync(connection, transaction, source.Id, row.Key, stored, "vanished:" + ImportFields.Hash(stored), row.LocalFields, ct);
            run.Cancelled++;
        }

        run.Outcome = RunOutcome.Ok;
        await SourceStore.FinishRunAsync(connection, transaction, run, lease, nextRunAt, failed: false, etag, lastModified, keepValidators: false, ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Carries out <see cref="SeriesReshaping.Plan"/>: the reused event's row takes its new key, and the
    /// occurrences a series now stands for again are deleted (see there why deleted, not cancelled).</summary>
    private static async Task ReshapeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sourceId, SeriesReshaping plan,
        Dictionary<string, ImportedRow> rows, Dictionary<Guid, Event> events, Actor actor, CancellationToken ct)
    {
        foreach (var (from, (to, rid)) in plan.Moves)
        {
            var row = rows[from];
            await connection.ExecuteAsync(new CommandDefinition(
                "update imported_events set key = @to, recurrence_id = @rid where source_id = @sourceId and key = @from",
                new { sourceId, from, to, rid }, transaction, cancellationToken: ct));
            rows.Remove(from);
            rows[to] = new ImportedRow
            {
                Key = to, RecurrenceId = rid, EventId = row.EventId, SourceValuesJson = row.SourceValuesJson, SourceHash = row.SourceHash,
                LocalFields = row.LocalFields,
            };
            if (events.ContainsKey(row.EventId))
                await LogAsync(connection, transaction, row.EventId, actor, ModerationAction.Edited, rid is null
                    ? "The source folded its single occurrences back into one series; this event stands for the series again."
                    : "The source's series gained an exception, so it is now read as single occurrences; this event stands for the first upcoming one.",
                    ct);
        }
        foreach (var key in plan.Superseded)
        {
            var row = rows[key];
            if (events.Remove(row.EventId))
            {
                await connection.ExecuteAsync(new CommandDefinition("delete from events where id = @id", new { id = row.EventId }, transaction,
                    cancellationToken: ct));
                await LogAsync(connection, transaction, row.EventId, actor, ModerationAction.Deleted,
                    "The source folded this occurrence back into its series, which now lists it; the single copy was removed.", ct);
            }
            await connection.ExecuteAsync(new CommandDefinition("delete from imported_events where source_id = @sourceId and key = @key",
                new { sourceId, key }, transaction, cancellationToken: ct));
            rows.Remove(key);
        }
    }

    /// <summary>The item as the form would send it, with what the source adds, judged by the one validator.</summary>
    private async Task<(EventDraft?, string?)> DraftAsync(ImportedEvent item, Source source, CancellationToken ct)
    {
        var i = item.Input;
        var input = new EventInput
        {
            Title = i.Title, Description = i.Description, Kind = string.IsNullOrWhiteSpace(i.Kind) ? source.Kind : i.Kind,
            Status = item.Cancelled ? EventStatus.Cancelled : i.Status ?? EventStatus.Confirmed,
            AllDay = i.AllDay, StartsOn = i.StartsOn, EndsOn = i.EndsOn, StartsAt = i.StartsAt, EndsAt = i.EndsAt, TimeZone = i.TimeZone,
            Recurrence = i.Recurrence, Location = i.Location, Online = i.Online,
            Organizers = i.Organizers is { Count: > 0 } ? i.Organizers : [source.Organizer],
            Tags = [.. (i.Tags ?? []).Concat(source.Tags)],
            Language = i.Language, RegistrationUrl = i.RegistrationUrl, MoreInfoUrl = i.MoreInfoUrl,
        };
        var normalized = EventDraft.Normalize(input);
        var result = await validator.ValidateAsync(normalized, ct);
        if (!result.IsValid)
            return (null, string.Join(" ", result.Errors.Select(e => e.ErrorMessage).Distinct()));
        return (EventDraft.From(normalized), null);
    }

    private static async Task CreateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Source source, ImportedEvent item,
        EventDraft draft, Dictionary<string, string> values, string hash, Actor actor, string? inheritedModeration, CancellationToken ct)
    {
        var created = (await EventStore.InsertAsync(connection, transaction, draft, inheritedModeration ?? (source.AutoPublish ? ModerationState.Published : ModerationState.Pending), null,
            Guid.CreateVersion7(), ct))!;
        var duplicate = await PossibleDuplicateAsync(connection, transaction, source.Id, created, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            insert into imported_events (source_id, key, event_id, uid, recurrence_id, source_values, source_hash, duplicate_of)
            values (@sourceId, @key, @eventId, @uid, @recurrenceId, @values::jsonb, @hash, @duplicateOf)
            """, new
        {
            sourceId = source.Id, key = item.Key, eventId = created.Id, uid = Cap(item.Uid, 1000), recurrenceId = Cap(item.RecurrenceId, 100),
            values = JsonSerializer.Serialize(values, Json), hash, duplicateOf = duplicate?.Id,
        }, transaction, cancellationToken: ct));
        await LogAsync(connection, transaction, created.Id, actor, ModerationAction.Created,
            $"Imported from {Shorten(source.Url)}" + (item.Uid is null ? "." : $" (UID {Shorten(item.Uid)}).")
            + (duplicate is null ? "" : $" Possible duplicate of “{Shorten(duplicate.Title)}” ({duplicate.Id})."), ct);
    }

    /// <summary>An event on the same day with a similar title that did not come from this source.</summary>
    private static async Task<Event?> PossibleDuplicateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sourceId,
        Event created, CancellationToken ct)
    {
        var day = created.StartsAt.Date;
        var candidates = await connection.QueryAsync<Event>(new CommandDefinition($"""
            select {EventStore.Columns} from events e
             where starts_at >= @day and starts_at < @day + interval '1 day' and id <> @id and moderation <> '{ModerationState.Rejected}'
               and not exists (select 1 from imported_events i where i.event_id = e.id and i.source_id = @sourceId)
             order by starts_at limit 200
            """, new { day = DateTime.SpecifyKind(day, DateTimeKind.Utc), id = created.Id, sourceId }, transaction, cancellationToken: ct));
        return candidates.FirstOrDefault(c => TitleSimilarity.IsSimilar(c.Title, created.Title));
    }

    private static Task UpdateEventAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, EventDraft draft, string moderation,
        CancellationToken ct)
    {
        const string sql = $"""
            update events set
                sequence = sequence + case when ({EventStore.VisibleColumnList}) is distinct from ({EventStore.VisibleValueList}) then 1 else 0 end,
                ({EventStore.VisibleColumnList}) = ({EventStore.VisibleValueList}),
                starts_at = @StartsAt, ends_at = @EndsAt, series_ends_at = @SeriesEndsAt, contact_email = @ContactEmail,
                moderation = @Moderation, updated_at = greatest(now(), updated_at), revision = revision + 1
            where id = @Id
            """;
        return connection.ExecuteAsync(new CommandDefinition(sql, EventStore.Parameters(draft, new { Id = id, Moderation = moderation }),
            transaction, cancellationToken: ct));
    }

    private static Task SaveRowAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sourceId, string key,
        Dictionary<string, string> values, string hash, string[] local, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            update imported_events set source_values = @values::jsonb, source_hash = @hash, local_fields = @local
             where source_id = @sourceId and key = @key
            """, new { sourceId, key, values = JsonSerializer.Serialize(values, Json), hash, local }, transaction, cancellationToken: ct));

    private static Task LogAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid eventId, Actor actor, string action,
        string reason, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            "insert into moderation_log (event_id, actor_id, actor, action, reason) values (@eventId, @actorId, @actor, @action, @reason)",
            new { eventId, actorId = actor.AccountId, actor = Cap(actor.Name, 300), action, reason = Cap(reason, 2000) }, transaction, cancellationToken: ct));

    /// <summary>Source and duplicate notes for the given events (for the review queue).</summary>
    public async Task<IReadOnlyDictionary<Guid, ImportNote>> NotesAsync(IEnumerable<Guid> eventIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var notes = await connection.QueryAsync<ImportNote>(new CommandDefinition("""
            select i.event_id, i.source_id, s.name as source_name, i.duplicate_of, d.title as duplicate_title, i.local_fields
              from imported_events i join sources s on s.id = i.source_id left join events d on d.id = i.duplicate_of
             where i.event_id = any(@ids)
            """, new { ids = eventIds.ToArray() }, cancellationToken: ct));
        return notes.ToDictionary(n => n.EventId);
    }

    private static string Shorten(string s) => s.Length > 120 ? s[..120] + "…" : s;
    private static string? Cap(string? s, int max) => s is null || s.Length <= max ? s : s[..max];

    private sealed class ImportedRow
    {
        public string Key { get; init; } = "";
        public string? RecurrenceId { get; init; }
        public Guid EventId { get; init; }
        public string SourceValuesJson { get; init; } = "{}";
        public string SourceHash { get; init; } = "";
        public string[] LocalFields { get; init; } = [];
    }
}

/// <summary>The fields a source sets, each compared on its own: a field whose stored value differs from what the
/// source said last was edited here and keeps the local value.</summary>
public static class ImportFields
{
    public static readonly IReadOnlyList<string> Names =
        ["title", "description", "kind", "status", "timing", "venue", "address", "city", "country", "online", "organizers", "tags",
         "language", "registrationUrl", "moreInfoUrl"];

    public static Dictionary<string, string> Of(EventDraft d) => Build(d.Title, d.Description, d.Kind, d.Status,
        [d.AllDay, d.StartsOn, d.EndsOn, d.StartsLocal, d.EndsLocal, d.TimeZone, d.Recurrence],
        d.Venue, d.Address, d.City, d.Country, [d.Online, d.JoinUrl], d.Organizers, d.Tags, d.Language, d.RegistrationUrl, d.MoreInfoUrl);

    public static Dictionary<string, string> Of(Event e) => Build(e.Title, e.Description, e.Kind, e.Status,
        [e.AllDay, e.StartsOn, e.EndsOn, e.StartsLocal, e.EndsLocal, e.TimeZone, e.Recurrence],
        e.Venue, e.Address, e.City, e.Country, [e.Online, e.JoinUrl], e.Organizers, e.Tags, e.Language, e.RegistrationUrl, e.MoreInfoUrl);

    private static Dictionary<string, string> Build(string title, string description, string kind, string status, object?[] timing,
        string? venue, string? address, string? city, string? country, object?[] online, string[] organizers, string[] tags,
        string? language, string? registrationUrl, string? moreInfoUrl)
    {
        static string J(object? v) => JsonSerializer.Serialize(v);
        return new(StringComparer.Ordinal)
        {
            ["title"] = J(title), ["description"] = J(description), ["kind"] = J(kind), ["status"] = J(status),
            ["timing"] = J(timing.Select(t => t switch
            {
                DateTime dt => dt.ToString("yyyy-MM-dd'T'HH:mm:ss"),
                DateOnly d => d.ToString("yyyy-MM-dd"),
                _ => t,
            })),
            ["venue"] = J(venue), ["address"] = J(address), ["city"] = J(city), ["country"] = J(country), ["online"] = J(online),
            ["organizers"] = J(organizers), ["tags"] = J(tags), ["language"] = J(language),
            ["registrationUrl"] = J(registrationUrl), ["moreInfoUrl"] = J(moreInfoUrl),
        };
    }

    public static string Hash(Dictionary<string, string> values) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", Names.Select(n => $"{n}={values.GetValueOrDefault(n)}")))));

    /// <summary>The source's draft with the locally edited fields taken from the stored event.</summary>
    public static EventDraft KeepLocal(EventDraft d, Event e, IEnumerable<string> local)
    {
        foreach (var field in local)
        {
            d = field switch
            {
                "title" => d with { Title = e.Title },
                "description" => d with { Description = e.Description },
                "kind" => d with { Kind = e.Kind },
                "status" => d with { Status = e.Status },
                "timing" => d with
                {
                    AllDay = e.AllDay, StartsOn = e.StartsOn, EndsOn = e.EndsOn, StartsLocal = e.StartsLocal, EndsLocal = e.EndsLocal,
                    TimeZone = e.TimeZone, Recurrence = e.Recurrence, StartsAt = e.StartsAt, EndsAt = e.EndsAt, SeriesEndsAt = e.SeriesEndsAt,
                },
                "venue" => d with { Venue = e.Venue },
                "address" => d with { Address = e.Address },
                "city" => d with { City = e.City },
                "country" => d with { Country = e.Country },
                "online" => d with { Online = e.Online, JoinUrl = e.JoinUrl },
                "organizers" => d with { Organizers = e.Organizers },
                "tags" => d with { Tags = e.Tags },
                "language" => d with { Language = e.Language },
                "registrationUrl" => d with { RegistrationUrl = e.RegistrationUrl },
                "moreInfoUrl" => d with { MoreInfoUrl = e.MoreInfoUrl },
                _ => d,
            };
        }
        return d;
    }
}

/// <summary>"Similar title" for duplicate flags: most words in common, or one title containing the other.</summary>
public static class TitleSimilarity
{
    public static bool IsSimilar(string a, string b)
    {
        var x = Words(a);
        var y = Words(b);
        if (x.Count == 0 || y.Count == 0) return false;
        var common = x.Intersect(y).Count();
        if ((double)common / x.Union(y).Count() >= 0.6) return true;
        string ja = string.Join(' ', Words(a, keepOrder: true)), jb = string.Join(' ', Words(b, keepOrder: true));
        return Math.Min(ja.Length, jb.Length) >= 12 && (ja.Contains(jb, StringComparison.Ordinal) || jb.Contains(ja, StringComparison.Ordinal));
    }

    private static HashSet<string> Words(string s) => [.. Words(s, keepOrder: true)];

    private static IEnumerable<string> Words(string s, bool keepOrder) =>
        new string(s.ToLowerInvariant().Normalize(NormalizationForm.FormD)
                .Where(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || c == '-').ToArray())
            .Split([' ', '\t', '-'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 1);
}
