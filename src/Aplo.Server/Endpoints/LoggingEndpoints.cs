using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>The server's log level, changeable while it runs; the logging filter reads it on every check.</summary>
public sealed class LogLevelSwitch(string level)
{
    /// <summary>Heketi's level names, least to most verbose.</summary>
    public static readonly IReadOnlyList<string> Names = ["none", "critical", "error", "warning", "info", "debug"];

    private volatile string current = Names.Contains(level) ? level : "info";

    public string Level
    {
        get => current;
        set => current = Names.Contains(value) ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "unknown log level");
    }

    public LogLevel Minimum => ToLogLevel(current);

    public static LogLevel ToLogLevel(string level) => level switch
    {
        "none" => LogLevel.None,
        "critical" => LogLevel.Critical,
        "error" => LogLevel.Error,
        "warning" => LogLevel.Warning,
        "debug" => LogLevel.Debug,
        _ => LogLevel.Information,
    };
}

/// <summary>Heketi's <c>GET/POST /internal/logging</c> (heketi-cli <c>loglevel get|set</c>); the one logger is <c>glusterfs</c>.</summary>
public static class LoggingEndpoints
{
    private const string Logger = "glusterfs";

    public static IEndpointRouteBuilder MapLogging(this IEndpointRouteBuilder app)
    {
        app.MapGet("/internal/logging", Get);
        app.MapPost("/internal/logging", SetAsync);
        return app;
    }

    private static Task Get(HttpContext context, LogLevelSwitch level) => Answer(context, level);

    private static async Task SetAsync(HttpContext context, LogLevelSwitch level)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.LogLevelInfo);
        var levels = request.LogLevel ?? new Dictionary<string, string>();
        if (levels.Keys.Any(k => k != Logger))
        {
            // Heketi answers an unknown logger name as an unparsable request.
            throw new AploException(ErrorKind.Unparsable, $"unknown logger: {string.Join(", ", levels.Keys.Where(k => k != Logger))}");
        }

        if (levels.TryGetValue(Logger, out var wanted))
        {
            if (!LogLevelSwitch.Names.Contains(wanted))
            {
                throw AploException.Invalid($"loglevel: '{wanted}' is not one of {string.Join(", ", LogLevelSwitch.Names)}");
            }

            level.Level = wanted;
        }

        await Answer(context, level);
    }

    private static Task Answer(HttpContext context, LogLevelSwitch level) =>
        HeketiResults.Json(
            context,
            StatusCodes.Status200OK,
            new LogLevelInfo { LogLevel = new Dictionary<string, string> { [Logger] = level.Level } },
            HeketiJsonContext.Default.LogLevelInfo);
}
