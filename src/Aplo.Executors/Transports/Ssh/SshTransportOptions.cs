namespace Aplo.Executors.Transports.Ssh;

/// <summary>How to reach storage nodes over SSH (heketi.json's <c>sshexec</c> section).</summary>
public sealed record SshTransportOptions
{
    /// <summary>OpenSSH private key file (ed25519, ecdsa or rsa), without a passphrase.</summary>
    public required string KeyFile { get; init; }

    /// <summary>Heketi's default user is <c>heketi</c>, which needs <see cref="Sudo"/>.</summary>
    public string User { get; init; } = "heketi";

    public int Port { get; init; } = 22;

    /// <summary>Prefix every command with <c>sudo</c> (the user needs passwordless sudo for <c>/bin/bash</c>).</summary>
    public bool Sudo { get; init; }

    /// <summary>
    /// When set, host keys must be listed in this known_hosts file; unknown and changed keys are refused.
    /// When null every key is accepted, as Heketi does, and a warning with the key's fingerprint is logged.
    /// </summary>
    public string? KnownHostsFile { get; init; }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Keep-alives let a dead connection be noticed (and replaced) before the next command needs it.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(30);
}
