using System.Runtime.InteropServices;

namespace Aplo.Cli;

/// <summary>
/// <see cref="Output.KiB"/> remembered per value: a topology's 60,000 bricks come in a handful of sizes, and a table
/// asks for each cell twice (to measure, then to write).
/// </summary>
internal sealed class SizeNames
{
    private readonly Dictionary<long, string> names = [];

    public string KiB(long kib) => CollectionsMarshal.GetValueRefOrAddDefault(names, kib, out _) ??= Output.KiB(kib);

    public string GiB(long gib) => KiB(gib * 1024 * 1024);
}
