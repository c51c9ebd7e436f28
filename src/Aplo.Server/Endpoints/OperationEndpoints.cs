using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Operations;
using Aplo.Core.Topology;
using Aplo.Core.Validation;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>Heketi's /operations routes: counts, the pending list, one pending operation, and cleanup.</summary>
public static class OperationEndpoints
{
    private const int MaxCleanup = 32;

    public static IEndpointRouteBuilder MapOperations(this IEndpointRouteBuilder app)
    {
        app.MapGet("/operations", Summary);
        app.MapGet("/operations/pending", List);
        app.MapGet("/operations/pending/{id:regex(^[A-Fa-f0-9]+$)}", Info);
        app.MapPost("/operations/pending/cleanup", CleanupAsync);
        return app;
    }

    private static Task Summary(HttpContext context, TopologyManager topology, OperationThrottle throttle)
    {
        var info = topology.Read(m => new OperationsInfo
        {
            Total = (ulong)m.Operations.Count,
            InFlight = (ulong)throttle.InFlight,
            Stale = (ulong)m.Operations.Values.Count(o => o.Status == "stale"),
            Failed = (ulong)m.Operations.Values.Count(o => o.Status == "failed"),
            New = (ulong)m.Operations.Values.Count(o => o.Status.Length == 0),
        });
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.OperationsInfo);
    }

    private static Task List(HttpContext context, TopologyManager topology, OperationQueue queue)
    {
        var list = topology.Read(m => new PendingOperationListResponse
        {
            PendingOperations = [.. m.Operations.Values.OrderBy(o => o.Started).Select(o => View(o, queue, withChanges: false))],
        });
        return HeketiResults.Json(context, StatusCodes.Status200OK, list, HeketiJsonContext.Default.PendingOperationListResponse);
    }

    private static Task Info(HttpContext context, TopologyManager topology, OperationQueue queue)
    {
        var id = context.Id();
        var info = topology.Read(m => m.Operations.TryGetValue(id, out var op) ? View(op, queue, withChanges: true) : throw AploException.NotFound());
        return HeketiResults.Json(context, StatusCodes.Status200OK, info, HeketiJsonContext.Default.PendingOperationInfo);
    }

    /// <summary>Retries recovery of the given operations (or of every failed one), in the background: 202 → 204.</summary>
    private static async Task CleanupAsync(HttpContext context, TopologyManager topology, RecoveryService recovery, OperationRunner runner, IIdGenerator ids)
    {
        var request = await HeketiResults.ReadAsync(context.Request, HeketiJsonContext.Default.PendingOperationsCleanRequest);
        var requested = request.Operations ?? [];
        if (requested.Count > MaxCleanup)
        {
            throw AploException.Invalid($"operations: at most {MaxCleanup} operations per request");
        }

        foreach (var id in requested)
        {
            if (!Rules.IsId(id))
            {
                throw AploException.Invalid($"operations: '{id}' is not an operation id");
            }
        }

        var targets = topology.Read(m =>
        {
            foreach (var id in requested)
            {
                if (!m.Operations.TryGetValue(id, out var op))
                {
                    throw AploException.NotFound($"Operation {id} not found");
                }

                // An operation still running is not the cleaner's to touch.
                if (op.Status != "failed" && runner.Queue.OwnerOf(id) is not null)
                {
                    throw AploException.Conflict($"Operation {id} is in flight");
                }
            }

            return requested.Count > 0 ? [.. requested] : m.Operations.Values.Where(o => o.Status == "failed").Select(o => o.Id).ToList();
        });

        var jobId = ids.NewId();
        runner.Start(jobId, context.Role(), throttled: false, async ct =>
        {
            await recovery.RecoverAsync(ct, targets);
            var left = topology.Read(m => targets.Where(m.Operations.ContainsKey).ToList());
            return left.Count == 0
                ? OperationOutcome.Completed
                : new OperationOutcome.Failed($"{left.Count} operation(s) could not be cleaned up: {string.Join(", ", left)}");
        });
        await HeketiResults.Accepted(context, jobId);
    }

    private static PendingOperationInfo View(PendingOperation op, OperationQueue queue, bool withChanges) => new()
    {
        Id = op.Id,
        TypeName = op.Type switch
        {
            OperationType.VolumeCreate => "create-volume",
            OperationType.VolumeDelete => "delete-volume",
            OperationType.VolumeExpand => "expand-volume",
            OperationType.NodeAdd => "add-node",
            OperationType.NodeDelete => "delete-node",
            OperationType.DeviceAdd => "add-device",
            OperationType.DeviceDelete => "delete-device",
            OperationType.DeviceRemove => "remove-device",
            OperationType.NodeRemove => "remove-node",
            OperationType.BrickEvict => "evict-brick",
            _ => op.Type.ToString(),
        },
        Status = op.Status,
        SubStatus = op.Status.Length == 0 && queue.OwnerOf(op.Id) is not null ? "in-flight" : string.Empty,
        Changes = withChanges
            ? [new PendingChangeInfo { Id = op.TargetId, Description = op.Type.ToString() }, .. op.BrickIds.Select(b => new PendingChangeInfo { Id = b, Description = "brick" })]
            : null,
    };
}
