using Npgsql;

namespace Calendar.Core.Data;

/// <summary>Connection settings of the service's data source, unless the connection string sets them.</summary>
public static class DatabaseTuning
{
    public static void Apply(NpgsqlConnectionStringBuilder settings)
    {
        // Automatic preparation: a statement run twice on a connection is prepared there, so PostgreSQL plans it once
        // instead of on every request (planning the list cost ten times its execution). Each filter shape is its
        // own statement whose generic plan is checked (ListPlanTests); the number of shapes in use stays far below this.
        if (settings.MaxAutoPrepare == 0) settings.MaxAutoPrepare = 256;
        if (settings.AutoPrepareMinUsages == 5) settings.AutoPrepareMinUsages = 2;
        // No DISCARD ALL (or Npgsql's reset that keeps prepared statements) when a pooled connection is reused: the
        // service leaves no session state behind (no SET, temporary tables or session locks on pooled connections;
        // transactions end before the connection returns; the LISTEN connection is never returned while in use).
        settings.NoResetOnClose = true;
    }
}
