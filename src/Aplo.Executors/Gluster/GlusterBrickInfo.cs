namespace Aplo.Executors.Gluster;

/// <summary>A brick as <c>volume info --xml</c> lists it; <see cref="Name"/> is <c>host:path</c>.</summary>
public sealed record GlusterBrickInfo(string Uuid, string Name, string HostUuid, bool IsArbiter)
{
    public string Host => Split().Host;

    public string Path => Split().Path;

    // The path starts with '/', so the first ":/" separates it even from an IPv6 host.
    private (string Host, string Path) Split()
    {
        var at = Name.IndexOf(":/", StringComparison.Ordinal);
        return at < 0 ? (Name, string.Empty) : (Name[..at], Name[(at + 1)..]);
    }
}
