using System.Globalization;
using System.Text.Json;
using Aplo.Core.Allocation;
using Aplo.Core.Topology;
using Aplo.Executors.Gluster;
using Aplo.Executors.Transports.Ssh;

namespace Aplo.Server.Configuration;

/// <summary>
/// Reads Heketi's heketi.json format and its HEKETI_* environment overrides, so an existing Heketi config starts
/// Aplo as it started Heketi. Values of the wrong type are refused at start with the key named: Heketi's sample
/// config puts prose in optional keys, and passing that on to node commands was a known trap.
/// </summary>
public static class HeketiConfig
{
    public static ServerOptions Load(string? path, IReadOnlyDictionary<string, string?> environment, bool disableAuth)
    {
        ArgumentNullException.ThrowIfNull(environment);
        JsonElement root = default;
        if (path is not null)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (IOException ex)
            {
                throw new ConfigException($"Unable to read config file {path}: {ex.Message}", ex);
            }

            try
            {
                using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
                root = doc.RootElement.Clone();
                if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    throw new ConfigException($"Unable to parse config file {path}: the top level must be a JSON object");
                }
            }
            catch (JsonException ex)
            {
                throw new ConfigException($"Unable to parse config file {path}: {ex.Message}", ex);
            }
        }

        var reader = new Reader(root, environment);
        var gluster = reader.Section("glusterfs");
        var defaults = new ServerOptions();
        var limits = AllocationLimits.Default;
        var settings = defaults.Gluster;

        var options = defaults with
        {
            Port = reader.Port(),
            ListenAddress = reader.String(root, "address", null) ?? defaults.ListenAddress,
            AuthEnabled = !disableAuth,
            AdminKey = reader.String(reader.Section("jwt", "admin"), "key", "HEKETI_ADMIN_KEY") ?? string.Empty,
            UserKey = reader.String(reader.Section("jwt", "user"), "key", "HEKETI_USER_KEY") ?? string.Empty,
            IatLeeway = TimeSpan.FromSeconds(reader.Long(default, "-", "HEKETI_JWT_IAT_LEEWAY_SECONDS") ?? 120),
            Executor = NonEmpty(reader.String(gluster, "executor", "HEKETI_EXECUTOR")) ?? "ssh",
            DbPath = NonEmpty(reader.String(gluster, "db", "HEKETI_DB_PATH")) ?? "heketi.db",
            MockDeviceSizeGiB = reader.Long(default, "-", "HEKETI_MOCK_DEVICE_SIZE_GB") ?? 500,
            LogLevel = NonEmpty(reader.String(gluster, "loglevel", "HEKETI_GLUSTERAPP_LOGLEVEL")) ?? "info",
            Gluster = settings with
            {
                Limits = limits with
                {
                    BrickMaxKiB = (reader.Long(gluster, "brick_max_size_gb", null) is > 0 and var max ? max : 4096) * Units.GiB,
                    BrickMinKiB = (reader.Long(gluster, "brick_min_size_gb", null) is > 0 and var min ? min : 1) * Units.GiB,
                    MaxBricksPerVolume = (int)(reader.Long(gluster, "max_bricks_per_volume", null) is > 0 and var bricks ? bricks : 32),
                    AverageFileSizeKiB = reader.Long(gluster, "average_file_size_kb", null) is > 0 and var avg ? avg : 64,
                },
                PreRequestVolumeOptions = reader.String(gluster, "pre_request_volume_options", "HEKETI_PRE_REQUEST_VOLUME_OPTIONS") ?? string.Empty,
                PostRequestVolumeOptions = reader.String(gluster, "post_request_volume_options", "HEKETI_POST_REQUEST_VOLUME_OPTIONS") ?? string.Empty,
                MaxVolumesPerCluster = (int)(reader.Long(gluster, "max_volumes_per_cluster", "HEKETI_GLUSTER_MAX_VOLUMES_PER_CLUSTER") ?? 1000),
                MaxInflightOperations = (int)(reader.Long(gluster, "max_inflight_operations", "HEKETI_MAX_INFLIGHT_OPERATIONS") is > 0 and var inflight ? inflight : 8),
                StrictZoneChecking = (reader.String(gluster, "zone_checking", "HEKETI_ZONE_CHECKING") ?? "none") switch
                {
                    "strict" => true,
                    "none" or "" => false,
                    var other => throw new ConfigException($"glusterfs.zone_checking: '{other}' is not one of none, strict"),
                },
            },
        };

        if (options.Executor is not ("mock" or "ssh"))
        {
            throw new ConfigException($"glusterfs.executor: '{options.Executor}' is not supported; use mock or ssh");
        }

        var sshexec = reader.Section("glusterfs", "sshexec");
        var warnings = new List<string>();
        var commands = ExecutorSettings.Default;
        options = options with
        {
            Commands = commands with
            {
                Fstab = NonEmpty(Setting(reader.String(sshexec, "fstab", "HEKETI_FSTAB"), "fstab", warnings)) ?? commands.Fstab,
                MountOptions = NonEmpty(Setting(reader.String(sshexec, "mountopts", "HEKETI_MOUNT_OPTS"), "mountopts", warnings)) ?? commands.MountOptions,
                MountRoot = options.Gluster.MountRoot,
                SnapshotLimit = (int)(reader.Long(sshexec, "snapshot_limit", "HEKETI_SNAPSHOT_LIMIT") ?? commands.SnapshotLimit),
                GlusterCliTimeoutSeconds = (int)(reader.Long(sshexec, "gluster_cli_timeout", "HEKETI_GLUSTER_CLI_TIMEOUT") is > 0 and var t ? t : commands.GlusterCliTimeoutSeconds),
                PvDataAlignmentKiB = SizeKiB(Setting(reader.String(sshexec, "pv_data_alignment", null), "pv_data_alignment", warnings), "pv_data_alignment") ?? commands.PvDataAlignmentKiB,
                VgExtentSizeKiB = SizeKiB(Setting(reader.String(sshexec, "vg_physicalextentsize", null), "vg_physicalextentsize", warnings), "vg_physicalextentsize") ?? commands.VgExtentSizeKiB,
                LvChunkSizeKiB = SizeKiB(Setting(reader.String(sshexec, "lv_chunksize", null), "lv_chunksize", warnings), "lv_chunksize") ?? commands.LvChunkSizeKiB,
                XfsStripeUnitKiB = SizeKiB(Setting(reader.String(sshexec, "xfs_su", null), "xfs_su", warnings), "xfs_su"),
                XfsStripeWidth = Setting(reader.String(sshexec, "xfs_sw", null), "xfs_sw", warnings) is { Length: > 0 } sw
                    ? int.TryParse(sw, NumberStyles.None, CultureInfo.InvariantCulture, out var w) ? w : throw new ConfigException($"xfs_sw: '{sw}' is not a whole number")
                    : null,
                RebalanceOnExpansion = !string.Equals(reader.String(default, "-", "HEKETI_GLUSTERAPP_REBALANCE_ON_EXPANSION"), "false", StringComparison.OrdinalIgnoreCase),
            },
        };

        try
        {
            options.Commands.Validate();
        }
        catch (ArgumentException ex)
        {
            throw new ConfigException("glusterfs.sshexec: " + ex.Message, ex);
        }

        if (NonEmpty(reader.String(sshexec, "keyfile", "HEKETI_SSH_KEYFILE")) is { } keyFile)
        {
            var knownHosts = NonEmpty(reader.String(sshexec, "known_hosts", "SSH_KNOWN_HOSTS"));
            options = options with
            {
                Ssh = new SshTransportOptions
                {
                    KeyFile = keyFile,
                    User = NonEmpty(reader.String(sshexec, "user", "HEKETI_SSH_USER")) ?? "heketi",
                    Port = SshPort(reader.String(sshexec, "port", "HEKETI_SSH_PORT")),
                    Sudo = Reader.Bool(sshexec, "sudo"),

                    // Heketi reads SSH_KNOWN_HOSTS as a list of files; the first one is used.
                    KnownHostsFile = knownHosts?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(),
                },
            };
        }

        options = options with { Warnings = warnings.Count == 0 ? Array.Empty<string>() : warnings };
        if (options.AuthEnabled && (options.AdminKey.Length == 0 || options.UserKey.Length == 0))
        {
            throw new ConfigException("Missing JWT information: jwt.admin.key and jwt.user.key must both be set, or start with --disable-auth");
        }

        return options;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// Heketi's sample config fills optional executor keys with prose ("Optional: Specify ..."); Heketi passed it
    /// to pvcreate. Aplo treats such a value as unset, keeps the default and says so at start.
    /// </summary>
    private static string? Setting(string? value, string key, List<string> warnings)
    {
        if (value is not null && value.StartsWith("Optional", StringComparison.OrdinalIgnoreCase))
        {
            warnings.Add($"glusterfs.sshexec.{key} holds the sample config's text ('{value}'); using the default");
            return null;
        }

        return value;
    }

    /// <summary>Parses LVM-style sizes such as 256K, 4M or 1G into KiB; anything else names the key.</summary>
    private static long? SizeKiB(string? value, string key)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var unit = char.ToUpperInvariant(value[^1]);
        var (digits, factor) = unit switch
        {
            'K' => (value[..^1], 1L),
            'M' => (value[..^1], 1024L),
            'G' => (value[..^1], 1024L * 1024),
            _ => (value, 1L),
        };
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n * factor
            : throw new ConfigException($"glusterfs.sshexec.{key}: '{value}' is not a size such as 256K or 4M");
    }

    private static int SshPort(string? value) =>
        value is null or ""
            ? 22
            : int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
                ? port
                : throw new ConfigException($"glusterfs.sshexec.port: '{value}' is not a TCP port number");

    private readonly struct Reader(JsonElement root, IReadOnlyDictionary<string, string?> env)
    {
        public JsonElement Section(params string[] path)
        {
            var e = root;
            foreach (var p in path)
            {
                if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(p, out e))
                {
                    return default;
                }
            }

            return e;
        }

        public int Port()
        {
            var text = Env("HEKETI_HTTP_PORT");
            if (text is null && root.ValueKind == JsonValueKind.Object && root.TryGetProperty("port", out var p))
            {
                text = p.ValueKind switch
                {
                    JsonValueKind.Number => p.GetRawText(),
                    JsonValueKind.String => p.GetString(),
                    _ => throw new ConfigException($"port: expected a port number as a string, got {p.GetRawText()}"),
                };
            }

            if (text is null)
            {
                return 8080;
            }

            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 0 and <= 65535
                ? port
                : throw new ConfigException($"port: '{text}' is not a TCP port number");
        }

        public string? String(JsonElement section, string key, string? envName)
        {
            if (envName is not null && Env(envName) is { } fromEnv)
            {
                return fromEnv;
            }

            if (section.ValueKind != JsonValueKind.Object || !section.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ConfigException($"{key}: expected a string, got {v.GetRawText()}");
        }

        public long? Long(JsonElement section, string key, string? envName)
        {
            if (envName is not null && Env(envName) is { } fromEnv)
            {
                return long.TryParse(fromEnv, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? n
                    : throw new ConfigException($"{envName}: '{fromEnv}' is not a whole number");
            }

            if (section.ValueKind != JsonValueKind.Object || !section.TryGetProperty(key, out var v) || v.ValueKind == JsonValueKind.Null)
            {
                return null;
            }

            return v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var value)
                ? value
                : throw new ConfigException($"{key}: expected a whole number, got {v.GetRawText()}");
        }

        public static bool Bool(JsonElement section, string key) =>
            section.ValueKind == JsonValueKind.Object && section.TryGetProperty(key, out var v)
                ? v.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False or JsonValueKind.Null => false,
                    _ => throw new ConfigException($"{key}: expected true or false, got {v.GetRawText()}"),
                }
                : false;

        private string? Env(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrEmpty(v) ? v : null;
    }
}
