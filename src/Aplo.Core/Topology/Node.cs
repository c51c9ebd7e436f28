namespace Aplo.Core.Topology;

/// <summary>
/// A storage host. Heketi keeps lists of manage and storage hostnames but only ever uses the first of each,
/// so Aplo keeps the lists for the wire and uses <see cref="ManageHostname"/> and <see cref="StorageHostname"/>.
/// </summary>
public sealed record Node(
    string Id,
    string ClusterId,
    int Zone,
    IReadOnlyList<string> ManageHostnames,
    IReadOnlyList<string> StorageHostnames,
    EntityState State,
    IReadOnlyDictionary<string, string> Tags,
    string? PendingOperationId = null)
{
    public string ManageHostname => ManageHostnames[0];

    public string StorageHostname => StorageHostnames[0];
}
