using Aplo.Core.Errors;
using Aplo.Core.Execution;

namespace Aplo.Server.Http;

/// <summary>The one place where failures become HTTP statuses.</summary>
public sealed partial class ErrorMapping(RequestDelegate next, ILogger<ErrorMapping> logger)
{
    public static int StatusOf(ErrorKind kind) => kind switch
    {
        ErrorKind.Unparsable => StatusCodes.Status422UnprocessableEntity,
        ErrorKind.Validation => StatusCodes.Status400BadRequest,
        ErrorKind.NotFound => StatusCodes.Status404NotFound,
        ErrorKind.Conflict => StatusCodes.Status409Conflict,
        ErrorKind.Busy => StatusCodes.Status429TooManyRequests,
        ErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (AploException ex) when (!context.Response.HasStarted)
        {
            await HeketiResults.Error(context, StatusOf(ex.Kind), ex.Message);
        }
        catch (ExecutorException ex) when (!context.Response.HasStarted)
        {
            await HeketiResults.Error(context, StatusCodes.Status500InternalServerError, ex.Message);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await HeketiResults.Error(context, ex.StatusCode, ex.Message);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, ex, context.Request.Method, context.Request.Path);
            await HeketiResults.Error(context, StatusCodes.Status500InternalServerError, "Internal server error: " + ex.Message);
        }
    }

    [LoggerMessage(3001, LogLevel.Error, "Unhandled error for {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
