using Aplo.Core.Operations;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Server.Configuration;

/// <summary>Everything the server needs to start, from heketi.json, HEKETI_* variables and flags.</summary>
public sealed record ServerOptions
{
    public string ListenAddress { get; init; } = "0.0.0.0";

    /// <summary>0 picks a free port (tests).</summary>
    public int Port { get; init; } = 8080;

    public bool AuthEnabled { get; init; } = true;

    public string AdminKey { get; init; } = string.Empty;

    public string UserKey { get; init; } = string.Empty;

    /// <summary>How far in the future a token's iat may be (clock skew between client and server).</summary>
    public TimeSpan IatLeeway { get; init; } = TimeSpan.FromSeconds(120);

    public string Executor { get; init; } = "ssh";

    public string DbPath { get; init; } = "heketi.db";

    public long MockDeviceSizeGiB { get; init; } = 500;

    public string LogLevel { get; init; } = "info";

    public GlusterSettings Gluster { get; init; } = GlusterSettings.Default;

    /// <summary>How node commands are shaped (heketi.json's common executor keys).</summary>
    public ExecutorSettings Commands { get; init; } = ExecutorSettings.Default;

    /// <summary>Things in the config that were ignored, to be logged at start.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The ssh executor's connection settings (heketi.json's <c>sshexec</c>); null until configured.</summary>
    public SshTransportOptions? Ssh { get; init; }
}
