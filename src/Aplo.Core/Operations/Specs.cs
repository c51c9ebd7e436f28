using Aplo.Core.Topology;

namespace Aplo.Core.Operations;

/// <summary>A volume create request after parsing, before validation.</summary>
public sealed record VolumeCreateSpec(
    long SizeGiB,
    string? Name,
    IReadOnlyList<string> Clusters,
    RequestedDurability Durability,
    long Gid,
    IReadOnlyList<string> Options,
    bool SnapshotEnable,
    float SnapshotFactor,
    bool Block);

/// <summary>A node add request after parsing, before validation.</summary>
public sealed record NodeAddSpec(
    string ClusterId,
    int Zone,
    IReadOnlyList<string> ManageHostnames,
    IReadOnlyList<string> StorageHostnames,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A device add request after parsing, before validation.</summary>
public sealed record DeviceAddSpec(string NodeId, string Name, IReadOnlyDictionary<string, string> Tags, bool DestroyData);

/// <summary>How a tags request changes the existing tags.</summary>
public enum TagChange
{
    Set,
    Update,
    Delete,
}
