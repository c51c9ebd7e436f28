namespace Aplo.Core.Allocation;

/// <summary>A device that may take bricks, as the allocator sees it: where it is and how much is free.</summary>
public sealed record CandidateDevice(string DeviceId, string NodeId, int Zone, long FreeKiB, long ExtentKiB);
