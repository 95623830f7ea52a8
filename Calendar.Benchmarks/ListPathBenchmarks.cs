using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Calendar.Api.Endpoints;
using Calendar.Core.Data;
using Calendar.Core.Events;
using Dapper;
using Npgsql;

namespace Calendar.Benchmarks;

/// <summary>
/// The two pieces of an uncached GET /api/events that the service's CPU profile put on top, each against what it
/// replaced: writing the page's JSON (source-generated writer against the reflection-based serializer with the
/// API's options) and reading its 51 rows (typed reads against Dapper's mapper; the database's share is the same).
/// Rows need the benchmark database of bench/api-list.sh: CALENDAR_BENCH_DB is its connection string.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class ListPathBenchmarks
{
    private static readonly JsonSerializerOptions ApiOptions = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, NumberHandling = JsonNumberHandling.Strict,
        Converters = { new JsonStringEnumConverter() },
    };

    private EventPage _page = null!;
    private NpgsqlDataSource? _database;
    private (string Sql, DynamicParameters Parameters) _command;

    [GlobalSetup]
    public void Setup()
    {
        var events = SampleEvents.Make(50);
        _page = new EventPage(events.Select(e => EventJson.From(e, occurrence: Occurrence.Single(e))).ToList(), "NjM4NTA0NDM2MjcwMDAw");
        if (Environment.GetEnvironmentVariable("CALENDAR_BENCH_DB") is { Length: > 0 } db)
        {
            var builder = new NpgsqlDataSourceBuilder(db);
            DatabaseTuning.Apply(builder.ConnectionStringBuilder);
            _database = builder.Build();
            var from = new DateTime(2020, 9, 8, 10, 59, 39, DateTimeKind.Utc);
            _command = EventStore.ListCommand(new EventFilter { From = from }, from, includeSeries: false);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _database?.Dispose();

    [Benchmark(Baseline = true)]
    public byte[] JsonReflection() => JsonSerializer.SerializeToUtf8Bytes(_page, ApiOptions);

    [Benchmark]
    public byte[] JsonGenerated() => ListJson.Write(_page);

    [Benchmark]
    public async Task<int> RowsDapper() // the database's time is in both
    {
        if (_database is null) return 0;
        await using var connection = await _database.OpenConnectionAsync();
        return (await connection.QueryAsync<Event>(new CommandDefinition(_command.Sql, _command.Parameters))).AsList().Count;
    }

    [Benchmark]
    public async Task<int> RowsTyped()
    {
        if (_database is null) return 0;
        await using var connection = await _database.OpenConnectionAsync();
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition(_command.Sql, _command.Parameters));
        return (await EventRows.ReadAsync(reader, CancellationToken.None)).Count;
    }
}
