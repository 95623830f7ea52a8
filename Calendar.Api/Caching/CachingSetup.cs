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

    /// <summary>
    /// Read your own writes: a write answered by this instance makes it forget its remembered version before the
    /// answer starts, so the writer's next read never comes from a page cached before the write. Other instances
    /// learn of it from the database's notification a moment later.
    /// </summary>
    public static IApplicationBuilder UseReadYourWrites(this IApplicationBuilder app)
    {
        var versions = app.ApplicationServices.GetRequiredService<FeedVersions>();
        return app.Use(async (context, next) =>
        {
            if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
                && !HttpMethods.IsOptions(context.Request.Method))
                context.Response.OnStarting(() => { versions.ChangedHere(); return Task.CompletedTask; });
            await next(context);
        });
    }
}
