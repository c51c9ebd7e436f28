using Aplo.Contracts;
using Aplo.Core.Errors;
using Aplo.Core.Reconcile;
using Aplo.Core.Validation;
using Aplo.Server.Http;

namespace Aplo.Server.Endpoints;

/// <summary>
/// Aplo's reconcile (not in Heketi): <c>GET /reconcile</c> compares the store with what the nodes hold, and
/// <c>POST /reconcile/repair</c> repairs the safe drifts. Both run the node commands while the client waits,
/// as Heketi's <c>/internal/state/examine/gluster</c> does; <c>?cluster=&lt;id&gt;</c> limits them to one cluster.
/// </summary>
public static class ReconcileEndpoints
{
    public static IEndpointRouteBuilder MapReconcile(this IEndpointRouteBuilder app)
    {
        app.MapGet("/reconcile", ExamineAsync);
        app.MapPost("/reconcile/repair", RepairAsync);
        return app;
    }

    private static async Task ExamineAsync(HttpContext context, ReconcileService reconcile)
    {
        var report = await reconcile.ExamineAsync(ClusterOf(context), context.RequestAborted);
        await HeketiResults.Json(context, StatusCodes.Status200OK, View(report), HeketiJsonContext.Default.ReconcileResponse);
    }

    private static async Task RepairAsync(HttpContext context, ReconcileService reconcile)
    {
        // A repair that has begun finishes even if the client goes away: half a repair helps nobody.
        var result = await reconcile.RepairAsync(ClusterOf(context), CancellationToken.None);
        var response = new RepairResponse
        {
            Repaired = [.. result.Repaired.Select(View)],
            Failed = [.. result.Failed.Select(f => new RepairFailureInfo { Drift = View(f.Drift), Error = f.Error })],
            After = View(result.After),
        };
        await HeketiResults.Json(context, StatusCodes.Status200OK, response, HeketiJsonContext.Default.RepairResponse);
    }

    private static string? ClusterOf(HttpContext context)
    {
        var cluster = context.Request.Query["cluster"];
        if (cluster.Count == 0)
        {
            return null;
        }

        return cluster.Count == 1 && Rules.IsId(cluster[0]) ? cluster[0] : throw AploException.Invalid("cluster: must be one cluster id");
    }

    private static ReconcileResponse View(ReconcileReport report) => new()
    {
        CheckedAt = report.CheckedAt,
        TotalDrift = report.TotalDrift,
        Clusters = [.. report.Clusters.Select(c => new ClusterReconcileInfo
        {
            Id = c.ClusterId,
            NodesChecked = c.NodesChecked,
            DevicesChecked = c.DevicesChecked,
            BricksChecked = c.BricksChecked,
            VolumesChecked = c.VolumesChecked,
            PendingSkipped = c.PendingSkipped,
            Drift = [.. c.Drift.Select(View)],
        })],
    };

    private static DriftInfo View(Drift drift) => new()
    {
        Kind = Name(drift.Kind),
        Node = drift.NodeId,
        Host = drift.Host,
        Device = drift.DeviceId,
        Subject = drift.Subject,
        Detail = drift.Detail,
        Repair = drift.Repair switch
        {
            RepairAction.DestroyOrphanBrick => "destroy-orphan-brick",
            RepairAction.ResyncDevice => "resync-device",
            _ => "none",
        },
    };

    /// <summary>The wire name of a drift kind: stable, lower case, in LVM's and Gluster's words.</summary>
    public static string Name(DriftKind kind) => kind switch
    {
        DriftKind.OrphanLogicalVolume => "orphan-lv",
        DriftKind.MissingBrick => "missing-brick",
        DriftKind.UnmountedBrick => "unmounted-brick",
        DriftKind.MissingVolumeGroup => "missing-vg",
        DriftKind.UnknownVolumeGroup => "unknown-vg",
        DriftKind.AccountingMismatch => "accounting-mismatch",
        DriftKind.MissingVolume => "missing-volume",
        DriftKind.UnknownVolume => "unknown-volume",
        DriftKind.BrickListMismatch => "brick-list-mismatch",
        DriftKind.VolumeStopped => "volume-stopped",
        DriftKind.NodeUnreachable => "node-unreachable",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
