namespace Aplo.Executors.Gluster;

/// <summary>One volume of <c>gluster volume info --xml</c>, with Gluster's own field names (reference §5.6).</summary>
public sealed record GlusterVolumeInfo(
    string Name,
    string Id,
    int Status,
    string StatusStr,
    int BrickCount,
    int DistCount,
    int StripeCount,
    int ReplicaCount,
    int ArbiterCount,
    int DisperseCount,
    int RedundancyCount,
    int Type,
    string TypeStr,
    int Transport,
    IReadOnlyList<GlusterBrickInfo> Bricks,
    IReadOnlyList<KeyValuePair<string, string>> Options)
{
    public bool Started => StatusStr == "Started";
}
