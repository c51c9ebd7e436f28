using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Aplo.Cli.Tests;

/// <summary>
/// Compares output with a file under Golden/. Run with APLO_UPDATE_GOLDEN=1 to (re)write the files in the source
/// tree, then read the diff by hand before committing: a golden file is only as right as its review. Ids are stable
/// (the server gets a sequential id generator); the one random value left, the simulated executor's LVM PV UUID,
/// is replaced by <c>sim-PVUUID</c> before comparing.
/// </summary>
public static partial class Golden
{
    public static void Match(string name, string actual, [CallerFilePath] string source = "")
    {
        actual = SimulatedPvUuid().Replace(actual, "\"pv_uuid\":\"sim-PVUUID\"");
        var path = Path.Combine(Path.GetDirectoryName(source)!, "Golden", name);
        if (Environment.GetEnvironmentVariable("APLO_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden/{name} does not exist; run with APLO_UPDATE_GOLDEN=1 to write it, then review it");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [GeneratedRegex("\"pv_uuid\":\"sim-[0-9a-f]+\"")]
    private static partial Regex SimulatedPvUuid();
}
