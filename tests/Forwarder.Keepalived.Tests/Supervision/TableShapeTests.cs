namespace Forwarder.Keepalived.Tests.Supervision;

/// <summary>What keepalived's settings become in the table: the ipvsadm edits of ipvs_cmd, seen through -Sn and listings.</summary>
[TestFixture]
[NonParallelizable]
public sealed class TableShapeTests
{
    [Test]
    public void ServiceAndServerSettings_BecomeTheirIpvsadmOptions()
    {
        using var rig = new TableRig();
        rig.Start("""
            virtual_server 10.9.0.1 80 {
                protocol TCP
                lb_algo sh
                sh-port
                lb_kind DR
                persistence_timeout 120
                persistence_granularity 255.255.255.0
                real_server 10.9.1.1 {
                    weight 3
                    uthreshold 100
                    lthreshold 10
                }
                real_server 10.9.1.2 80 {
                    lvs_method TUN
                }
                real_server 10.9.1.3 8080 {
                    lvs_method NAT
                }
            }
            virtual_server 10.9.0.2 53 {
                protocol UDP
                lb_algo rr
                lb_kind NAT
                ops
                real_server 10.9.1.4 5353 {
                }
            }
            """);

        var saved = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Sn"])).StandardOutput;

        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -A -t 10.9.0.1:80 -s sh -p 120 -M 255.255.255.0 -b sh-port (origin: checker)\n"));
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -a -t 10.9.0.1:80 -r 10.9.1.1:80 -g -w 3 -x 100 -y 10 (origin: checker)\n"),
            "a real server without a port takes the virtual server's");
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -A -u 10.9.0.2:53 -s rr -o (origin: checker)\n"));
        var lines = saved.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(6), saved);
        Assert.That(lines, Has.Some.Match(@"^-A -t 10\.9\.0\.1:80 -s sh .*-p 120 -M 255\.255\.255\.0"));
        Assert.That(lines, Has.Some.Match(@"^-a -t 10\.9\.0\.1:80 -r 10\.9\.1\.1:80 -g -w 3$"), "ipvsadm -S writes no thresholds");
        var thresholds = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Ln", "--thresholds"])).StandardOutput;
        Assert.That(thresholds, Does.Match(@"  -> 10\.9\.1\.1:80 +100 +10 "), thresholds);
        Assert.That(lines, Has.Some.Match(@"^-a -t 10\.9\.0\.1:80 -r 10\.9\.1\.2:80 -i -w 1"));
        Assert.That(lines, Has.Some.Match(@"^-a -t 10\.9\.0\.1:80 -r 10\.9\.1\.3:8080 -m -w 1$"));
        Assert.That(lines, Has.Some.Match(@"^-A -u 10\.9\.0\.2:53 -s rr .*-o"));
        Assert.That(lines, Has.Some.Match(@"^-a -u 10\.9\.0\.2:53 -r 10\.9\.1\.4:5353 -m -w 1$"));
    }

    [Test]
    public void FwmarkVirtualServer_BecomesAnIpvsadmMarkService_WithItsRealServersPortsAsKeepalivedLeavesThem()
    {
        using var rig = new TableRig();
        rig.Start("""
            virtual_server fwmark 7 {
                lb_algo rr
                lb_kind DR
                persistence_timeout 300
                real_server 10.9.1.1 80 {
                }
                real_server 10.9.1.2 8080 {
                    lvs_method NAT
                }
            }
            virtual_server group MARKS {
                lb_algo wlc
                lb_kind NAT
                real_server 10.9.1.3 {
                }
            }
            virtual_server_group MARKS {
                fwmark 8
                fwmark 9
            }
            """);

        var saved = rig.Run(new Ipvsadm.Execution.IpvsadmInvocation(["-Sn"])).StandardOutput;

        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -A -f 7 -s rr -p 300 (origin: checker)\n"));
        Assert.That(rig.LogText, Does.Contain("<6>forwarder: ipvsadm -a -f 7 -r 10.9.1.1:0 -g -w 1 (origin: checker)\n"),
            "keepalived clears a DR server's port under a mark");
        Assert.That(saved.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[]
        {
            "-A -f 7 -s rr -p 300",
            "-a -f 7 -r 10.9.1.1:0 -g -w 1",
            "-a -f 7 -r 10.9.1.2:8080 -m -w 1",
            "-A -f 8 -s wlc",
            "-a -f 8 -r 10.9.1.3:0 -m -w 1",
            "-A -f 9 -s wlc",
            "-a -f 9 -r 10.9.1.3:0 -m -w 1",
        }), saved);
    }

    [Test]
    public void NotifyScripts_RunOnEachTransition_AndOmegasAtShutdown()
    {
        using var web1 = new Listener();
        var marks = Directory.CreateTempSubdirectory("notify-scripts");
        try
        {
            using (var rig = new TableRig())
            {
                rig.Start($$"""
                    virtual_server 10.9.0.1 80 {
                        delay_loop 0.2
                        protocol TCP
                        lb_algo rr
                        lb_kind NAT
                        omega
                        quorum_down "/bin/touch {{marks.FullName}}/quorum-down"
                        real_server 127.0.0.1 {{web1.Port}} {
                            notify_up "/bin/touch {{marks.FullName}}/up"
                            notify_down "/bin/touch {{marks.FullName}}/down"
                            TCP_CHECK {
                                connect_timeout 0.5
                                retry 0
                                warmup 0
                            }
                        }
                    }
                    """);
                web1.Stop();
                rig.WaitFor(() => File.Exists(Path.Combine(marks.FullName, "down")), "notify_down ran");
                File.Delete(Path.Combine(marks.FullName, "quorum-down"));
                web1.Restart();
                rig.WaitFor(() => File.Exists(Path.Combine(marks.FullName, "up")), "notify_up ran");
                File.Delete(Path.Combine(marks.FullName, "down"));
            }

            // Disposed: the director stopped; with omega keepalived sends the down notifications on its way out.
            Assert.That(File.Exists(Path.Combine(marks.FullName, "down")), Is.True, "omega's notify_down");
            Assert.That(File.Exists(Path.Combine(marks.FullName, "quorum-down")), Is.True, "omega's quorum_down");
        }
        finally
        {
            marks.Delete(recursive: true);
        }
    }
}
