namespace Aplo.Core.Allocation;

/// <summary>
/// A device that may take bricks, as the allocator sees it: where it is, how much is free, and its tags
/// (the node's tags overridden by the device's own, as Heketi merges them).
/// </summary>
public sealed record CandidateDevice(
    string DeviceId,
    string NodeId,
    int Zone,
    long FreeKiB,
    long ExtentKiB,
    IReadOnlyDictionary<string, string>? Tags = null)
{
    /// <summary>The value of a tag, or "" when absent (Heketi compares a missing tag as empty).</summary>
    public string Tag(string key) => Tags is not null && Tags.TryGetValue(key, out var v) ? v : string.Empty;
}
