using Aplo.Core.Topology;

namespace Aplo.Core.Allocation;

/// <summary>
/// Which brick of a set to move, and where the set's other bricks are: the input of the brick-replacement
/// query that device removal and brick eviction use (reference §4.7).
/// </summary>
public sealed record ReplacementRequest(
    long SizeKiB,
    BrickRole Role,
    float SnapshotFactor,
    string CurrentDeviceId,
    IReadOnlyList<CandidateDevice> OtherBricksOfTheSet,
    bool StrictZones = false,
    TagMatch? DeviceTagMatch = null);
