using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Calendar.Core.Events;
using Dapper;
using FluentValidation;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Calendar.Core.Data;

/// <summary>
/// Loads sample-data/events.json (embedded) once per database, through the same normalisation and validator as
/// the API. Ids are name-based UUIDs (RFC 9562 v5) of the title and start, so two installations give the same
/// event the same iCalendar UID.
/// </summary>
public static class SampleData
{
    public const string SeedName = "sample-data/events.json";
    private static readonly Guid Namespace = Guid.Parse("5b0f2a4e-4a8e-4c1a-9f6e-2d1c0b7e9a31");
    private const long LockKey = 0x43616C_656E65;

    /// <summary>A record of the file: the API's fields plus the file's notes (its README describes both).</summary>
    public sealed class SampleEvent : EventInput
    {
        public string? Notes { get; set; }

        public EventInput ToInput()
        {
            // The file marks its one unconfirmed item in its notes; statuses are otherwise not in the file.
            Status = Notes?.StartsWith("Tentative", StringComparison.OrdinalIgnoreCase) == true ? EventStatus.Tentative : EventStatus.Confirmed;
            return this;
        }
    }

    public static IReadOnlyList<SampleEvent> ReadBundled()
    {
        using var stream = typeof(SampleData).Assembly.GetManifestResourceStream("sample-data.events.json")
                           ?? throw new InvalidOperationException("sample-data/events.json is not embedded.");
        return JsonSerializer.Deserialize<List<SampleEvent>>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
               ?? throw new InvalidOperationException("sample-data/events.json is empty.");
    }

    /// <summary>Validates every record first and loads all or nothing; returns how many were loaded (0 when the
    /// database had them already).</summary>
    public static async Task<int> LoadOnceAsync(NpgsqlDataSource dataSource, ILogger logger, CancellationToken ct)
    {
        var validator = new EventInputValidator();
        var drafts = new List<(Guid Id, EventDraft Draft)>();
        foreach (var (record, index) in ReadBundled().Select((r, i) => (r, i)))
        {
            var input = EventDraft.Normalize(record.ToInput());
            var result = await validator.ValidateAsync(input, ct);
            if (!result.IsValid)
                throw new InvalidOperationException(
                    $"Sample event #{index} '{record.Title}' is invalid: {string.Join("; ", result.Errors.Select(e => $"{e.PropertyName}: {e.ErrorMessage}"))}");
            var draft = EventDraft.From(input);
            drafts.Add((NameBasedId($"{draft.Title}|{draft.StartsAt:O}"), draft));
        }

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("select pg_advisory_xact_lock(@LockKey)", new { LockKey }, transaction, cancellationToken: ct));
        var done = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "select exists (select 1 from seed_runs where name = @SeedName)", new { SeedName }, transaction, cancellationToken: ct));
        if (done) return 0;

        foreach (var (id, draft) in drafts)
            await EventStore.InsertAsync(connection, transaction, draft, ModerationState.Published, null, id, ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "insert into seed_runs (name, count) values (@SeedName, @Count)", new { SeedName, Count = drafts.Count }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        logger.LogInformation("Loaded {Count} sample events", drafts.Count);
        return drafts.Count;
    }

    public static Guid NameBasedId(string name)
    {
        Span<byte> input = stackalloc byte[16 + Encoding.UTF8.GetMaxByteCount(name.Length)];
        Namespace.TryWriteBytes(input, bigEndian: true, out _);
        var length = 16 + Encoding.UTF8.GetBytes(name, input[16..]);
        Span<byte> hash = stackalloc byte[20];
        SHA1.HashData(input[..length], hash);
        hash[6] = (byte)((hash[6] & 0x0F) | 0x50);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash[..16], bigEndian: true);
    }
}
