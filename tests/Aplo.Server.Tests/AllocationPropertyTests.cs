using Aplo.Client;
using Aplo.Contracts;
using Aplo.Core.Topology;
using Aplo.TestKit;

namespace Aplo.Server.Tests;

/// <summary>
/// Random streams of creates, expands and deletes through the real server on random tagged topologies. After
/// every step the store's accounting, the simulated volume groups and every placement rule must hold.
/// </summary>
public sealed class AllocationPropertyTests : ApiTestBase
{
    protected override Func<Configuration.ServerOptions, Configuration.ServerOptions>? Configure =>
        AploHost.Gluster(g => g with { MaxInflightOperations = 64 });

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task RandomStreams_KeepAccountingAndPlacementRules(int seed)
    {
        var random = new Random(seed);
        var cluster = await Admin.ClusterCreateAsync(new ClusterCreateRequest { File = true }, Ct);
        var nodes = random.Next(4, 8);
        for (var n = 0; n < nodes; n++)
        {
            var node = await Admin.NodeAddAsync(
                new NodeAddRequest { ClusterId = cluster.Id, Zone = 1 + (n % random.Next(1, 4)), Hostnames = new() { Manage = [$"n{n}"], Storage = [$"10.7.0.{n + 1}"] } }, Ct);
            if (random.Next(4) == 0)
            {
                await SetTagAsync($"/nodes/{node.Id}/tags", "disk", "ssd");
            }

            for (var d = 0; d < random.Next(1, 3); d++)
            {
                await Admin.DeviceAddAsync(new DeviceAddRequest { NodeId = node.Id, Name = $"/dev/sd{(char)('b' + d)}" }, Ct);
            }

            foreach (var device in (await Admin.NodeInfoAsync(node.Id, Ct)).Devices)
            {
                switch (random.Next(6))
                {
                    case 0:
                        await SetTagAsync($"/devices/{device.Id}/tags", "arbiter", "required");
                        break;
                    case 1:
                        await SetTagAsync($"/devices/{device.Id}/tags", "arbiter", "disabled");
                        break;
                    case 2:
                        await SetTagAsync($"/devices/{device.Id}/tags", "disk", "hdd");
                        break;
                }
            }
        }

        var volumes = new List<string>();
        var (created, expanded, deleted, refused) = (0, 0, 0, 0);
        for (var step = 0; step < 40; step++)
        {
            var action = random.Next(10);
            try
            {
                if (action < 6 || volumes.Count == 0)
                {
                    volumes.Add((await Admin.VolumeCreateAsync(RandomVolume(random), Ct)).Id);
                    created++;
                }
                else if (action < 8)
                {
                    await Admin.VolumeExpandAsync(volumes[random.Next(volumes.Count)], random.Next(1, 60), Ct);
                    expanded++;
                }
                else
                {
                    var victim = volumes[random.Next(volumes.Count)];
                    await Admin.VolumeDeleteAsync(victim, Ct);
                    volumes.Remove(victim);
                    deleted++;
                }
            }
            catch (HeketiClientException ex) when (ex.Message.Contains("No space", StringComparison.Ordinal))
            {
                // Refusals are part of the stream; the invariants below must hold after them too.
                refused++;
            }

            CheckInvariants();
        }

        // The stream must really have exercised the allocator, not just been refused.
        Assert.True(created >= 5 && expanded + deleted >= 2, $"created {created}, expanded {expanded}, deleted {deleted}, refused {refused}");
    }

    private static VolumeCreateRequest RandomVolume(Random random)
    {
        var options = new List<string>();
        if (random.Next(3) == 0)
        {
            options.Add(random.Next(2) == 0 ? "user.heketi.device-tag-match disk=ssd" : "user.heketi.device-tag-match disk!=hdd");
        }

        if (random.Next(3) == 0)
        {
            options.Add("user.heketi.zone-checking strict");
        }

        var durability = random.Next(4) switch
        {
            0 => new VolumeDurabilityInfo { Type = "none" },
            1 => new VolumeDurabilityInfo { Type = "disperse", Disperse = new() { Data = 2, Redundancy = 1 } },
            2 => new VolumeDurabilityInfo { Type = "replicate", Replicate = new() { Replica = 3 } },
            _ => new VolumeDurabilityInfo { Type = "replicate", Replicate = new() { Replica = 2 } },
        };
        if (durability.Replicate.Replica == 3 && random.Next(2) == 0)
        {
            options.Add("user.heketi.arbiter true");
        }

        return new VolumeCreateRequest { Size = random.Next(2, 300), Durability = durability, GlusterVolumeOptions = options };
    }

    private Task SetTagAsync(string path, string key, string value) =>
        ExpectAsync(System.Net.HttpStatusCode.OK, "POST", path, $$"""{"tags":{"{{key}}":"{{value}}"},"change_type":"update"}""");

    private void CheckInvariants()
    {
        var topology = (TopologyManager)Host.App.Services.GetService(typeof(TopologyManager))!;
        topology.Read(model =>
        {
            foreach (var device in model.Devices.Values)
            {
                var bricks = model.BrickIdsOnDevice(device.Id).Select(b => model.Bricks[b]).ToList();
                Assert.Equal(bricks.Sum(b => b.ChargedKiB), device.UsedKiB);
                Assert.Equal(device.TotalKiB, device.FreeKiB + device.UsedKiB);
                Assert.True(device.FreeKiB >= 0, $"device {device.Id} overcommitted: free {device.FreeKiB}");
                var arbiterTag = device.Tags.GetValueOrDefault("arbiter");
                Assert.All(bricks, b => Assert.True(
                    arbiterTag switch { "required" => b.Role == BrickRole.Arbiter, "disabled" => b.Role == BrickRole.Data, _ => true },
                    $"brick {b.Id} ({b.Role}) on a device tagged arbiter={arbiterTag}"));

                // The simulated volume group holds exactly what the store charged.
                var node = model.Nodes[device.NodeId];
                var pools = Host.Executor.ThinPools(node.ManageHostname).Count(p => p.StartsWith(device.VolumeGroup + "/", StringComparison.Ordinal));
                Assert.Equal(bricks.Count, pools);
            }

            foreach (var volume in model.Volumes.Values)
            {
                var bricks = model.BrickIdsOf(volume.Id).Select(b => model.Bricks[b]).ToList();
                var strict = volume.Options.Contains("user.heketi.zone-checking strict");
                var match = volume.Options.FirstOrDefault(o => o.StartsWith("user.heketi.device-tag-match ", StringComparison.Ordinal));
                foreach (var set in bricks.GroupBy(b => b.SetIndex))
                {
                    Assert.Equal(volume.Durability.SetSize, set.Count());
                    Assert.Equal(set.Count(), set.Select(b => b.NodeId).Distinct().Count());
                    if (strict)
                    {
                        Assert.Equal(set.Count(), set.Select(b => model.Nodes[b.NodeId].Zone).Distinct().Count());
                    }
                }

                if (match is not null)
                {
                    var rule = Aplo.Core.Allocation.TagMatch.Parse(match["user.heketi.device-tag-match ".Length..]);
                    foreach (var brick in bricks)
                    {
                        var device = model.Devices[brick.DeviceId];
                        var merged = new Dictionary<string, string>(model.Nodes[device.NodeId].Tags.ToDictionary());
                        foreach (var (k, v) in device.Tags)
                        {
                            merged[k] = v;
                        }

                        Assert.True(rule.Matches(new Aplo.Core.Allocation.CandidateDevice(device.Id, device.NodeId, 0, 0, 0, merged)), $"brick on {device.Id} breaks {rule}");
                    }
                }
            }

            return true;
        });
    }
}
