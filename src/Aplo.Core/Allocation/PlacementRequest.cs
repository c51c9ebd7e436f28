using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>What to place: a volume (or an expansion) of <see cref="SizeKiB"/> with a durability.</summary>
public sealed record PlacementRequest(
    long SizeKiB,
    Durability Durability,
    float SnapshotFactor,
    int ExistingBricks = 0,
    int FirstSetIndex = 0,
    bool StrictZones = false,
    TagMatch? DeviceTagMatch = null);
