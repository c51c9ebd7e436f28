namespace Aplo.Executors.Tests;

/// <summary>gluster --xml replies written from the documented cliOutput structure (reference §5.6).</summary>
public static class GlusterSamples
{
    public const string VolumeInfo = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <opRet>0</opRet>
          <opErrno>0</opErrno>
          <opErrstr/>
          <volInfo>
            <volumes>
              <volume>
                <name>vol_arb</name>
                <id>5d1c2a0e-7a55-4c47-9a57-1f0f5c9f1d0b</id>
                <status>1</status>
                <statusStr>Started</statusStr>
                <snapshotCount>0</snapshotCount>
                <brickCount>3</brickCount>
                <distCount>1</distCount>
                <stripeCount>1</stripeCount>
                <replicaCount>3</replicaCount>
                <arbiterCount>1</arbiterCount>
                <disperseCount>0</disperseCount>
                <redundancyCount>0</redundancyCount>
                <type>2</type>
                <typeStr>Replicate</typeStr>
                <transport>0</transport>
                <bricks>
                  <brick uuid="0e1f6b1e-58b8-4e0d-8f0a-6f2d3b9a1c01">10.0.0.1:/var/lib/heketi/mounts/vg_d1/brick_b1/brick<name>10.0.0.1:/var/lib/heketi/mounts/vg_d1/brick_b1/brick</name><hostUuid>0e1f6b1e-58b8-4e0d-8f0a-6f2d3b9a1c01</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="7c2d9e44-1b3a-4f6e-9d2c-3e4f5a6b7c02">10.0.0.2:/var/lib/heketi/mounts/vg_d2/brick_b2/brick<name>10.0.0.2:/var/lib/heketi/mounts/vg_d2/brick_b2/brick</name><hostUuid>7c2d9e44-1b3a-4f6e-9d2c-3e4f5a6b7c02</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c03">10.0.0.3:/var/lib/heketi/mounts/vg_d3/brick_b3/brick<name>10.0.0.3:/var/lib/heketi/mounts/vg_d3/brick_b3/brick</name><hostUuid>a9b8c7d6-e5f4-4a3b-9c2d-1e0f9a8b7c03</hostUuid><isArbiter>1</isArbiter></brick>
                </bricks>
                <optCount>3</optCount>
                <options>
                  <option>
                    <name>user.heketi.id</name>
                    <value>2f9a0c8e6d1b4e7f8a9b0c1d2e3f4a5b</value>
                  </option>
                  <option>
                    <name>user.heketi.arbiter</name>
                    <value>true</value>
                  </option>
                  <option>
                    <name>performance.client-io-threads</name>
                    <value>off</value>
                  </option>
                </options>
              </volume>
              <volume>
                <name>vol_ec</name>
                <id>9e8d7c6b-5a49-4838-b7a6-958473625140</id>
                <status>2</status>
                <statusStr>Stopped</statusStr>
                <snapshotCount>0</snapshotCount>
                <brickCount>6</brickCount>
                <distCount>1</distCount>
                <stripeCount>1</stripeCount>
                <replicaCount>1</replicaCount>
                <arbiterCount>0</arbiterCount>
                <disperseCount>6</disperseCount>
                <redundancyCount>2</redundancyCount>
                <type>4</type>
                <typeStr>Disperse</typeStr>
                <transport>0</transport>
                <bricks>
                  <brick uuid="11111111-1111-4111-8111-111111111111">10.0.0.1:/b/1<name>10.0.0.1:/b/1</name><hostUuid>11111111-1111-4111-8111-111111111111</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="22222222-2222-4222-8222-222222222222">10.0.0.2:/b/2<name>10.0.0.2:/b/2</name><hostUuid>22222222-2222-4222-8222-222222222222</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="33333333-3333-4333-8333-333333333333">10.0.0.3:/b/3<name>10.0.0.3:/b/3</name><hostUuid>33333333-3333-4333-8333-333333333333</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="44444444-4444-4444-8444-444444444444">10.0.0.4:/b/4<name>10.0.0.4:/b/4</name><hostUuid>44444444-4444-4444-8444-444444444444</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="55555555-5555-4555-8555-555555555555">10.0.0.5:/b/5<name>10.0.0.5:/b/5</name><hostUuid>55555555-5555-4555-8555-555555555555</hostUuid><isArbiter>0</isArbiter></brick>
                  <brick uuid="66666666-6666-4666-8666-666666666666">10.0.0.6:/b/6<name>10.0.0.6:/b/6</name><hostUuid>66666666-6666-4666-8666-666666666666</hostUuid><isArbiter>0</isArbiter></brick>
                </bricks>
                <optCount>0</optCount>
                <options/>
              </volume>
              <count>2</count>
            </volumes>
          </volInfo>
        </cliOutput>
        """;

    public const string VolumeInfoError = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <opRet>-1</opRet>
          <opErrno>30806</opErrno>
          <opErrstr>Volume nope does not exist</opErrstr>
          <volInfo/>
        </cliOutput>
        """;

    /// <summary>Exit 0 and opRet 0, yet an error string: still a failure.</summary>
    public const string VolumeInfoErrorStringOnly = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <opRet>0</opRet>
          <opErrno>0</opErrno>
          <opErrstr>Locking failed on 10.0.0.3. Please check log file for details.</opErrstr>
          <volInfo><volumes><count>0</count></volumes></volInfo>
        </cliOutput>
        """;

    public const string HealInfo = """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <cliOutput>
          <healInfo>
            <bricks>
              <brick hostUuid="0e1f6b1e-58b8-4e0d-8f0a-6f2d3b9a1c01">
                <name>10.0.0.1:/var/lib/heketi/mounts/vg_d1/brick_b1/brick</name>
                <status>Connected</status>
                <numberOfEntries>0</numberOfEntries>
              </brick>
              <brick hostUuid="7c2d9e44-1b3a-4f6e-9d2c-3e4f5a6b7c02">
                <name>10.0.0.2:/var/lib/heketi/mounts/vg_d2/brick_b2/brick</name>
                <status>Transport endpoint is not connected</status>
                <numberOfEntries>-</numberOfEntries>
              </brick>
              <brick hostUuid="-">
                <name>information not available</name>
                <status>Transport endpoint is not connected</status>
                <numberOfEntries>-</numberOfEntries>
              </brick>
            </bricks>
          </healInfo>
          <opRet>0</opRet>
          <opErrno>0</opErrno>
          <opErrstr/>
        </cliOutput>
        """;
}
