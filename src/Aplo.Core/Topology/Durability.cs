namespace Aplo.Core.Topology;

public enum DurabilityType
{
    None,
    Replicate,
    Disperse,
}

/// <summary>The effective redundancy of a volume, after defaults are applied.</summary>
public sealed record Durability(DurabilityType Type, int Replica, int Data, int Redundancy, bool Arbiter)
{
    public static readonly Durability Distribute = new(DurabilityType.None, 1, 0, 0, false);

    /// <summary>Number of bricks in one set (one replica set, one disperse set, or a single brick).</summary>
    public int SetSize => Type switch
    {
        DurabilityType.Replicate => Replica,
        DurabilityType.Disperse => Data + Redundancy,
        _ => 1,
    };

    /// <summary>How many bricks of a set carry a full share of the data size (disperse splits it).</summary>
    public int DataDivisor => Type == DurabilityType.Disperse ? Data : 1;
}

/// <summary>
/// The durability exactly as the client sent it. Heketi echoes the request, not the defaults it applied,
/// and clients have been written against that.
/// </summary>
public sealed record RequestedDurability(string? Type, int Replica, int Data, int Redundancy);
