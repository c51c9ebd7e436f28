using System.Globalization;
using System.Text.Json;
using Aplo.Core.Execution;

namespace Aplo.Executors.Gluster;

/// <summary>Reads LVM's <c>--reportformat json</c> output: <c>{"report": [{"vg": [{...}]}]}</c>.</summary>
public static class LvmReports
{
    public static VolumeGroupSize ParseVolumeGroup(string host, string json, string volumeGroup)
    {
        var row = Rows(host, json, "vg").FirstOrDefault(r => Field(r, "vg_name") == volumeGroup)
            ?? throw new ExecutorException(host, $"lvm vgs: no report row for volume group {volumeGroup}");
        return new VolumeGroupSize(
            Number(host, row, "vg_extent_size"),
            Number(host, row, "vg_extent_count"),
            Number(host, row, "vg_free_count"));
    }

    /// <summary>Every volume group of a <c>vgs</c> report made with <see cref="LvmCommands.VgReportAll"/>.</summary>
    public static IReadOnlyList<VolumeGroupReport> ParseVolumeGroups(string host, string json) =>
        [.. Rows(host, json, "vg").Select(r =>
        {
            var extent = Number(host, r, "vg_extent_size");
            return new VolumeGroupReport(Field(r, "vg_name") ?? string.Empty, extent * Number(host, r, "vg_extent_count"), extent * Number(host, r, "vg_free_count"));
        })];

    /// <summary>Every logical volume of an <c>lvs</c> report made with <see cref="LvmCommands.LvReportAll"/>.</summary>
    public static IReadOnlyList<LogicalVolumeReport> ParseLogicalVolumes(string host, string json) =>
        [.. Rows(host, json, "lv").Select(r => new LogicalVolumeReport(
            Field(r, "vg_name") ?? string.Empty,
            Field(r, "lv_name") ?? string.Empty,
            Number(host, r, "lv_size"),
            Field(r, "pool_lv") is { Length: > 0 } pool ? pool : null))];

    /// <summary>The UUID of the PV on the device, or null when the report has none.</summary>
    public static string? ParsePvUuid(string host, string json) =>
        Rows(host, json, "pv").Select(r => Field(r, "pv_uuid")).FirstOrDefault(u => !string.IsNullOrEmpty(u));

    private static List<Dictionary<string, string>> Rows(string host, string json, string kind)
    {
        try
        {
            // LVM can print a warning line first; the report starts at the first '{'.
            var start = json.IndexOf('{', StringComparison.Ordinal);
            using var document = JsonDocument.Parse(start < 0 ? json : json[start..]);
            var rows = new List<Dictionary<string, string>>();
            foreach (var report in document.RootElement.GetProperty("report").EnumerateArray())
            {
                if (!report.TryGetProperty(kind, out var items))
                {
                    continue;
                }

                foreach (var item in items.EnumerateArray())
                {
                    rows.Add(item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ToString(), StringComparer.Ordinal));
                }
            }

            return rows;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new ExecutorException(host, $"lvm returned a report that cannot be read ({ex.Message}): {json.Trim()}");
        }
    }

    private static string? Field(Dictionary<string, string> row, string name) => row.GetValueOrDefault(name);

    // "--units k --nosuffix" gives "4096.00"; counts are plain integers.
    private static long Number(string host, Dictionary<string, string> row, string name) =>
        decimal.TryParse(Field(row, name), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? (long)value
            : throw new ExecutorException(host, $"lvm report field {name} is '{Field(row, name)}', not a number");
}
