using Aplo.Server.Configuration;

namespace Aplo.Server.Tests;

/// <summary>heketi.json and HEKETI_* overrides (reference §8 and §2), read by <see cref="HeketiConfig.Load"/>.</summary>
public sealed class ConfigTests : IDisposable
{
    /// <summary>Heketi sizes are KiB; the config's *_gb keys are GiB.</summary>
    private const long KiBPerGiB = 1024L * 1024;

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    /// <summary>A complete config in Heketi's own format, comments and executor sections included.</summary>
    private const string FullSample = """
        {
          "_port_comment": "Heketi Server Port Number",
          "port": "8181",
          "_use_auth": "Enable JWT authorization. Please enable for deployment",
          "use_auth": false,
          "_jwt": "Private keys for access",
          "jwt": {
            "_admin": "Admin has access to all APIs",
            "admin": { "key": "My Secret" },
            "_user": "User only has access to /volumes endpoint",
            "user": { "key": "My Other Secret" }
          },
          "_glusterfs_comment": "GlusterFS Configuration",
          "glusterfs": {
            "_executor_comment": ["Execute plugin. Possible choices: mock, ssh"],
            "executor": "mock",
            "_db_comment": "Database file name",
            "db": "/var/lib/heketi/heketi.db",
            "loglevel": "debug",
            "sshexec": {
              "keyfile": "/etc/heketi/heketi_key",
              "user": "root",
              "port": "22",
              "fstab": "/etc/fstab",
              "pv_data_alignment": "Optional: Specify PV data alignment size. Default is 256K"
            },
            "brick_max_size_gb": 1024,
            "brick_min_size_gb": 2,
            "max_bricks_per_volume": 48,
            "average_file_size_kb": 128,
            "pre_request_volume_options": "performance.stat-prefetch off",
            "post_request_volume_options": "server.tcp-user-timeout 42",
            "zone_checking": "strict",
            "max_inflight_operations": 5,
            "max_volumes_per_cluster": 50
          }
        }
        """;

    private readonly string directory = Path.Combine(Path.GetTempPath(), "aplo-config-" + Guid.NewGuid().ToString("N"));

    public ConfigTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void Load_FullHeketiSample_MapsEveryKey()
    {
        var options = HeketiConfig.Load(Write(FullSample), NoEnvironment, disableAuth: false);

        Assert.Equal(8181, options.Port);
        Assert.True(options.AuthEnabled);
        Assert.Equal("My Secret", options.AdminKey);
        Assert.Equal("My Other Secret", options.UserKey);
        Assert.Equal("mock", options.Executor);
        Assert.Equal("/var/lib/heketi/heketi.db", options.DbPath);
        Assert.Equal("debug", options.LogLevel);
        Assert.Equal(1024 * KiBPerGiB, options.Gluster.Limits.BrickMaxKiB);
        Assert.Equal(2 * KiBPerGiB, options.Gluster.Limits.BrickMinKiB);
        Assert.Equal(48, options.Gluster.Limits.MaxBricksPerVolume);
        Assert.Equal(128, options.Gluster.Limits.AverageFileSizeKiB);
        Assert.Equal("performance.stat-prefetch off", options.Gluster.PreRequestVolumeOptions);
        Assert.Equal("server.tcp-user-timeout 42", options.Gluster.PostRequestVolumeOptions);
        Assert.True(options.Gluster.StrictZoneChecking);
        Assert.Equal(5, options.Gluster.MaxInflightOperations);
        Assert.Equal(50, options.Gluster.MaxVolumesPerCluster);
    }

    [Fact]
    public void Load_EmptyObject_GivesHeketisDefaults()
    {
        var options = HeketiConfig.Load(Write("{}"), NoEnvironment, disableAuth: true);

        Assert.Equal(8080, options.Port);
        Assert.False(options.AuthEnabled);
        Assert.Equal("ssh", options.Executor);
        Assert.Equal("heketi.db", options.DbPath);
        Assert.Equal(4096 * KiBPerGiB, options.Gluster.Limits.BrickMaxKiB);
        Assert.Equal(1 * KiBPerGiB, options.Gluster.Limits.BrickMinKiB);
        Assert.Equal(32, options.Gluster.Limits.MaxBricksPerVolume);
        Assert.Equal(64, options.Gluster.Limits.AverageFileSizeKiB);
        Assert.Equal(8, options.Gluster.MaxInflightOperations);
        Assert.Equal(1000, options.Gluster.MaxVolumesPerCluster);
        Assert.False(options.Gluster.StrictZoneChecking);
        Assert.Equal(string.Empty, options.Gluster.PreRequestVolumeOptions);
        Assert.Equal(string.Empty, options.Gluster.PostRequestVolumeOptions);
        Assert.Equal(TimeSpan.FromSeconds(120), options.IatLeeway);
    }

    [Fact]
    public void Load_NoFile_GivesTheSameDefaultsAsAnEmptyFile()
    {
        var fromNothing = HeketiConfig.Load(null, NoEnvironment, disableAuth: true);
        var fromEmpty = HeketiConfig.Load(Write("{}"), NoEnvironment, disableAuth: true);
        Assert.Equal(fromEmpty, fromNothing);
    }

    [Fact]
    public void Load_EnvironmentVariables_OverrideTheFile()
    {
        var env = new Dictionary<string, string?>
        {
            ["HEKETI_HTTP_PORT"] = "9191",
            ["HEKETI_ADMIN_KEY"] = "env-admin",
            ["HEKETI_USER_KEY"] = "env-user",
            ["HEKETI_EXECUTOR"] = "ssh",
            ["HEKETI_DB_PATH"] = "/srv/aplo/env.db",
            ["HEKETI_MAX_INFLIGHT_OPERATIONS"] = "3",
            ["HEKETI_ZONE_CHECKING"] = "none",
            ["HEKETI_PRE_REQUEST_VOLUME_OPTIONS"] = "cluster.lookup-optimize on",
            ["HEKETI_POST_REQUEST_VOLUME_OPTIONS"] = "features.shard on",
            ["HEKETI_GLUSTER_MAX_VOLUMES_PER_CLUSTER"] = "-1",
            ["HEKETI_JWT_IAT_LEEWAY_SECONDS"] = "30",
        };

        var options = HeketiConfig.Load(Write(FullSample), env, disableAuth: false);

        Assert.Equal(9191, options.Port);
        Assert.Equal("env-admin", options.AdminKey);
        Assert.Equal("env-user", options.UserKey);
        Assert.Equal("ssh", options.Executor);
        Assert.Equal("/srv/aplo/env.db", options.DbPath);
        Assert.Equal(3, options.Gluster.MaxInflightOperations);
        Assert.False(options.Gluster.StrictZoneChecking);
        Assert.Equal("cluster.lookup-optimize on", options.Gluster.PreRequestVolumeOptions);
        Assert.Equal("features.shard on", options.Gluster.PostRequestVolumeOptions);
        Assert.Equal(-1, options.Gluster.MaxVolumesPerCluster);
        Assert.Equal(TimeSpan.FromSeconds(30), options.IatLeeway);

        // Keys without an override keep the file's values.
        Assert.Equal(1024 * KiBPerGiB, options.Gluster.Limits.BrickMaxKiB);
    }

    [Fact]
    public void Load_StrictZoneCheckingFromEnvironment_OverridesNoneInTheFile()
    {
        var path = Write("""{"glusterfs":{"zone_checking":"none"}}""");
        var options = HeketiConfig.Load(path, new Dictionary<string, string?> { ["HEKETI_ZONE_CHECKING"] = "strict" }, disableAuth: true);
        Assert.True(options.Gluster.StrictZoneChecking);
    }

    [Fact]
    public void Load_EmptyEnvironmentVariables_DoNotOverride()
    {
        var env = new Dictionary<string, string?>
        {
            ["HEKETI_HTTP_PORT"] = string.Empty,
            ["HEKETI_ADMIN_KEY"] = string.Empty,
            ["HEKETI_EXECUTOR"] = string.Empty,
            ["HEKETI_DB_PATH"] = null,
        };

        var options = HeketiConfig.Load(Write(FullSample), env, disableAuth: false);

        Assert.Equal(8181, options.Port);
        Assert.Equal("My Secret", options.AdminKey);
        Assert.Equal("mock", options.Executor);
        Assert.Equal("/var/lib/heketi/heketi.db", options.DbPath);
    }

    [Fact]
    public void Load_JwtKeysOnlyFromEnvironment_SatisfyAuth()
    {
        var env = new Dictionary<string, string?> { ["HEKETI_ADMIN_KEY"] = "a", ["HEKETI_USER_KEY"] = "u" };
        var options = HeketiConfig.Load(Write("{}"), env, disableAuth: false);
        Assert.True(options.AuthEnabled);
        Assert.Equal("a", options.AdminKey);
        Assert.Equal("u", options.UserKey);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"jwt":{"admin":{"key":"only-admin"}}}""")]
    [InlineData("""{"jwt":{"user":{"key":"only-user"}}}""")]
    [InlineData("""{"jwt":{"admin":{"key":""},"user":{"key":""}}}""")]
    public void Load_MissingJwtKeysWithAuthOn_ThrowsMissingJwtInformation(string json)
    {
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: false));
        Assert.Contains("Missing JWT information", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"jwt":{"admin":{"key":"only-admin"}}}""")]
    public void Load_MissingJwtKeysWithAuthDisabled_IsFine(string json)
    {
        var options = HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true);
        Assert.False(options.AuthEnabled);
    }

    [Fact]
    public void Load_UseAuthFalse_IsIgnored()
    {
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write("""{"use_auth":false}"""), NoEnvironment, disableAuth: false));
        Assert.Contains("Missing JWT information", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("brick_max_size_gb")]
    [InlineData("brick_min_size_gb")]
    [InlineData("max_bricks_per_volume")]
    [InlineData("average_file_size_kb")]
    [InlineData("max_inflight_operations")]
    [InlineData("max_volumes_per_cluster")]
    public void Load_ProseInANumericKey_ThrowsNamingTheKey(string key)
    {
        var json = $$$"""{"glusterfs":{"executor":"mock","{{{key}}}":"Optional: Maximum brick size in GB. Default is 4096"}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FractionalNumberInAWholeNumberKey_ThrowsNamingTheKey()
    {
        var json = """{"glusterfs":{"max_inflight_operations":2.5}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains("max_inflight_operations", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NumberInAStringKey_ThrowsNamingTheKey()
    {
        var json = """{"glusterfs":{"db":42}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains("db", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ProseInANumericEnvironmentVariable_ThrowsNamingTheVariable()
    {
        var env = new Dictionary<string, string?> { ["HEKETI_MAX_INFLIGHT_OPERATIONS"] = "eight" };
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write("{}"), env, disableAuth: true));
        Assert.Contains("HEKETI_MAX_INFLIGHT_OPERATIONS", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http")]
    [InlineData("-1")]
    [InlineData("65536")]
    [InlineData("80 80")]
    [InlineData("8080;")]
    public void Load_BadPortInFile_ThrowsNamingPort(string port)
    {
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write($$"""{"port":"{{port}}"}"""), NoEnvironment, disableAuth: true));
        Assert.Contains("port", ex.Message, StringComparison.Ordinal);
        Assert.Contains(port, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("{}")]
    [InlineData("[8080]")]
    public void Load_PortOfTheWrongJsonType_ThrowsConfigExceptionNamingPort(string port)
    {
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write($$$"""{"port":{{{port}}}}"""), NoEnvironment, disableAuth: true));
        Assert.Contains("port", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BadPortInEnvironment_Throws()
    {
        var env = new Dictionary<string, string?> { ["HEKETI_HTTP_PORT"] = "eighty" };
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write("""{"port":"8080"}"""), env, disableAuth: true));
        Assert.Contains("eighty", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("65535")]
    public void Load_PortAtTheEdgesOfTheRange_IsAccepted(string port)
    {
        var options = HeketiConfig.Load(Write($$"""{"port":"{{port}}"}"""), NoEnvironment, disableAuth: true);
        Assert.Equal(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), options.Port);
    }

    [Fact]
    public void Load_SampleConfigProseInExecutorKeys_KeepsTheDefaultsAndWarns()
    {
        var options = HeketiConfig.Load(Write(FullSample), NoEnvironment, disableAuth: false);

        Assert.Equal(Aplo.Executors.Gluster.ExecutorSettings.Default.PvDataAlignmentKiB, options.Commands.PvDataAlignmentKiB);
        var warning = Assert.Single(options.Warnings);
        Assert.Contains("pv_data_alignment", warning, StringComparison.Ordinal);
        Assert.Equal("/etc/heketi/heketi_key", options.Ssh!.KeyFile);
        Assert.Equal("root", options.Ssh.User);
        Assert.Equal(22, options.Ssh.Port);
    }

    [Theory]
    [InlineData("pv_data_alignment", "256Q")]
    [InlineData("vg_physicalextentsize", "-4M")]
    [InlineData("lv_chunksize", "256K; reboot")]
    public void Load_BadExecutorSize_ThrowsNamingTheKey(string key, string value)
    {
        var json = $$$$"""{"glusterfs":{"sshexec":{"keyfile":"/k","{{{{key}}}}":"{{{{value}}}}"}}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExecutorSizes_AreReadAsLvmSizes()
    {
        var json = """{"glusterfs":{"sshexec":{"keyfile":"/k","pv_data_alignment":"512K","vg_physicalextentsize":"8M","lv_chunksize":"1M","sudo":true}}}""";
        var options = HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true);
        Assert.Equal(512, options.Commands.PvDataAlignmentKiB);
        Assert.Equal(8 * 1024, options.Commands.VgExtentSizeKiB);
        Assert.Equal(1024, options.Commands.LvChunkSizeKiB);
        Assert.True(options.Ssh!.Sudo);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("MOCK")]
    [InlineData("mock; reboot")]
    public void Load_UnknownExecutor_ThrowsNamingExecutor(string executor)
    {
        var json = $$$"""{"glusterfs":{"executor":"{{{executor}}}"}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains("executor", ex.Message, StringComparison.Ordinal);
        Assert.Contains(executor, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownExecutorFromEnvironment_Throws()
    {
        var env = new Dictionary<string, string?> { ["HEKETI_EXECUTOR"] = "bogus" };
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(FullSample), env, disableAuth: false));
        Assert.Contains("bogus", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownZoneChecking_ThrowsNamingTheKey()
    {
        var json = """{"glusterfs":{"zone_checking":"loose"}}""";
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(Write(json), NoEnvironment, disableAuth: true));
        Assert.Contains("zone_checking", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"port\": ")]
    [InlineData("port = 8080")]
    [InlineData("")]
    public void Load_UnparsableFile_ThrowsNamingTheFile(string text)
    {
        var path = Write(text);
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(path, NoEnvironment, disableAuth: true));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Heketi unmarshals the file into its config struct, so an array, number or string stops it.</summary>
    [Theory]
    [InlineData("[]")]
    [InlineData("42")]
    [InlineData("\"heketi\"")]
    public void Load_TopLevelNotAnObject_ThrowsNamingTheFile(string text)
    {
        var path = Write(text);
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(path, NoEnvironment, disableAuth: true));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MissingFile_ThrowsNamingTheFile()
    {
        var path = Path.Combine(directory, "absent.json");
        var ex = Assert.Throws<ConfigException>(() => HeketiConfig.Load(path, NoEnvironment, disableAuth: true));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    private string Write(string text)
    {
        var path = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(path, text);
        return path;
    }
}
