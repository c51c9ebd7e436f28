using System.Globalization;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>
/// GET /queue/{id} with Heketi's semantics. Beyond Heketi, a client may send <c>Prefer: wait=N</c> (RFC 7240) to
/// have the server hold the poll up to N seconds (at most 60) until the operation finishes, instead of polling.
/// </summary>
public static class QueueEndpoints
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapQueue(this IEndpointRouteBuilder app)
    {
        app.MapGet("/queue/{id:regex(^[A-Fa-f0-9]+$)}", PollAsync);
        return app;
    }

    private static async Task PollAsync(HttpContext context, OperationQueue queue, TopologyManager topology)
    {
        var id = context.Id();
        if (PreferredWait(context.Request.Headers["Prefer"].ToString()) is { } wait)
        {
            await queue.WaitAsync(id, wait, context.RequestAborted);
        }

        switch (queue.Poll(id, out var outcome))
        {
            case QueueState.Unknown:
                await HeketiResults.Error(context, StatusCodes.Status404NotFound, "Id not found");
                break;
            case QueueState.Pending:
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.Headers["X-Pending"] = "true";
                break;
            default:
                // Read once, as in Heketi: the saved copy goes too. No need to wait for the disk: if it comes back
                // after a crash, it is read once more or expires.
                _ = topology.WriteAsync((_, changes) => changes.Delete(EntityKind.QueueResult, id), CancellationToken.None);
                await (outcome switch
                {
                    OperationOutcome.Created created => HeketiResults.Redirect(context, StatusCodes.Status303SeeOther, created.Location, "See Other"),
                    OperationOutcome.Failed failed => HeketiResults.Error(context, StatusCodes.Status500InternalServerError, failed.Message),
                    _ => NoContent(context),
                });
                break;
        }
    }

    private static Task NoContent(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    internal static TimeSpan? PreferredWait(string prefer)
    {
        foreach (var part in prefer.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("wait=", StringComparison.OrdinalIgnoreCase)
                && int.TryParse(part.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            {
                var wait = TimeSpan.FromSeconds(seconds);
                return wait > MaxWait ? MaxWait : wait;
            }
        }

        return null;
    }
}
