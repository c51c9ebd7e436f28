using Aplo.Core.Execution;

namespace Aplo.Core.Reconcile;

/// <summary>
/// What the nodes of one cluster reported: each node's inventory (or why it could not be read), and Gluster's
/// volumes as one reachable node of the trusted pool sees them (null when no node answered).
/// </summary>
public sealed record ClusterState(
    string ClusterId,
    IReadOnlyDictionary<string, NodeInventory> Inventories,
    IReadOnlyDictionary<string, string> Unreachable,
    IReadOnlyList<GlusterVolumeReport>? Volumes);
