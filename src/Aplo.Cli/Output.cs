using System.Globalization;
using System.Text;

namespace Aplo.Cli;

/// <summary>Human-readable sizes and aligned tables for a terminal.</summary>
internal static class Output
{
    private static readonly string[] Units = ["KiB", "MiB", "GiB", "TiB", "PiB"];

    /// <summary>
    /// A KiB count as the largest unit that keeps it at or above 1, with at most one decimal: "37 GiB", "1.5 TiB".
    /// Rounded down (free space is never shown larger than it is) unless <paramref name="up"/> (used space).
    /// </summary>
    public static string KiB(long kib, bool up = false)
    {
        double value = kib;
        var unit = 0;
        while (Math.Abs(value) >= 1024 && unit < Units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        var shown = (up ? Math.Ceiling(value * 10) : Math.Floor(value * 10)) / 10;
        return shown.ToString(shown == Math.Floor(shown) ? "0" : "0.0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }

    public static string GiB(long gib) => KiB(gib * 1024 * 1024);

    /// <summary>Columns padded to the widest cell, two spaces apart; numbers in columns named in <paramref name="right"/> align right.</summary>
    public static string Table(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows, params int[] right)
    {
        var all = new List<IReadOnlyList<string>> { header };
        all.AddRange(rows);
        var widths = header.Select((_, i) => all.Max(r => r[i].Length)).ToArray();
        var text = new StringBuilder();
        foreach (var row in all)
        {
            var line = new StringBuilder();
            for (var i = 0; i < row.Count; i++)
            {
                var cell = right.Contains(i) ? row[i].PadLeft(widths[i]) : row[i].PadRight(widths[i]);
                line.Append(cell).Append(i < row.Count - 1 ? "  " : string.Empty);
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return text.ToString();
    }

    public static string Tags(IReadOnlyDictionary<string, string>? tags) =>
        tags is null || tags.Count == 0 ? "-" : string.Join(",", tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value));
}
