namespace Aplo.Executors.Tests;

/// <summary>LVM report output in the shape lvm2 2.03 prints with <c>--reportformat json</c>.</summary>
public static class LvmSamples
{
    public static string Vgs(string volumeGroup, long extents, long freeExtents) => $$"""
          {
              "report": [
                  {
                      "vg": [
                          {"vg_name":"{{volumeGroup}}", "vg_extent_size":"4096.00", "vg_extent_count":"{{extents}}", "vg_free_count":"{{freeExtents}}"}
                      ]
                  }
              ]
          }

        """;

    public static string Pvs(string device, string volumeGroup) => $$"""
          {
              "report": [
                  {
                      "pv": [
                          {"pv_name":"{{device}}", "pv_uuid":"Wb3x1e-2Tq9-QqfS-0mQe-7ZJk-Hc1d-yUe0nP", "vg_name":"{{volumeGroup}}"}
                      ]
                  }
              ]
          }

        """;
}
