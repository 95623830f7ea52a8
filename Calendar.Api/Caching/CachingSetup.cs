namespace Calendar.Api.Caching;

public static class CachingSetup
{
    /// <summary>The per-instance caches in front of the database: only caches, every instance derives the same answers.</summary>
    public static IServiceCollection AddCaching(this IServiceCollection services)
    {
        services.AddSingleton(_ => new FeedCache(64L * 1024 * 1024)); // rendered feeds; bounded in bytes
        services.AddSingleton(_ => new ListCache(32L * 1024 * 1024)); // rendered /api/events pages; bounded in bytes
        services.AddSingleton<ListQueries>();
        services.AddSingleton<FeedQueries>();
        services.AddSingleton<FeedVersions>();
        services.AddHostedService(sp => sp.GetRequiredService<FeedVersions>());
        return services;
    }
}
