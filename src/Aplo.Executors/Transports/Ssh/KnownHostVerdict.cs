namespace Aplo.Executors.Transports.Ssh;

/// <summary>What a known_hosts file says about a host key.</summary>
public enum KnownHostVerdict
{
    Trusted,

    /// <summary>The file has no key for this host.</summary>
    Unknown,

    /// <summary>The file has keys for this host, but not this one: a reinstalled node or a man in the middle.</summary>
    Mismatch,

    /// <summary>The key is marked <c>@revoked</c>.</summary>
    Revoked,
}
