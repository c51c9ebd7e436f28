using System.Text.Json.Serialization;

namespace Aplo.Contracts;

/// <summary>GET /reconcile (an Aplo extension): how the store and the nodes differ.</summary>
public sealed record ReconcileResponse
{
    [JsonPropertyName("checked_at")]
    public required DateTimeOffset CheckedAt { get; init; }

    [JsonPropertyName("total_drift")]
    public int TotalDrift { get; init; }

    [JsonPropertyName("clusters")]
    public required List<ClusterReconcileInfo> Clusters { get; init; }
}

public sealed record ClusterReconcileInfo
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("nodes_checked")]
    public int NodesChecked { get; init; }

    [JsonPropertyName("devices_checked")]
    public int DevicesChecked { get; init; }

    [JsonPropertyName("bricks_checked")]
    public int BricksChecked { get; init; }

    [JsonPropertyName("volumes_checked")]
    public int VolumesChecked { get; init; }

    [JsonPropertyName("pending_skipped")]
    public int PendingSkipped { get; init; }

    [JsonPropertyName("drift")]
    public required List<DriftInfo> Drift { get; init; }
}

/// <summary>One drift; <see cref="Repair"/> is what POST /reconcile/repair would do, or <c>none</c>.</summary>
public sealed record DriftInfo
{
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("node")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Node { get; init; }

    [JsonPropertyName("host")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Host { get; init; }

    [JsonPropertyName("device")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Device { get; init; }

    [JsonPropertyName("subject")]
    public required string Subject { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    [JsonPropertyName("repair")]
    public required string Repair { get; init; }
}

/// <summary>POST /reconcile/repair: what was repaired, what could not be, and the comparison afterwards.</summary>
public sealed record RepairResponse
{
    [JsonPropertyName("repaired")]
    public required List<DriftInfo> Repaired { get; init; }

    [JsonPropertyName("failed")]
    public required List<RepairFailureInfo> Failed { get; init; }

    [JsonPropertyName("after")]
    public required ReconcileResponse After { get; init; }
}

public sealed record RepairFailureInfo
{
    [JsonPropertyName("drift")]
    public required DriftInfo Drift { get; init; }

    [JsonPropertyName("error")]
    public required string Error { get; init; }
}
