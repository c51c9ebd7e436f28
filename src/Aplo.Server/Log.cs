namespace Aplo.Server;

/// <summary>The server host's log messages. Event ids 3000–3999 belong to the server.</summary>
internal static partial class Log
{
    [LoggerMessage(3101, LogLevel.Warning, "Config: {Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);
}
