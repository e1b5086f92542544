using System.Net;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Configuration;

/// <summary>keepalived.conf as operators write it, read as keepalived 2.2 reads it, with its words for what it goes past or refuses.</summary>
[TestFixture]
public sealed class KeepalivedConfigReaderTests
{
    /// <summary>A production-shaped file: global_defs and VRRP beside the LVS part, both comment marks, quotes, one-line blocks.</summary>
    public const string RealWorld = """
        ! Configuration File for keepalived
        global_defs {
           notification_email {
             root@localhost
           }
           router_id LVS_DIRECTOR
        }

        vrrp_instance VI_1 {
            state MASTER
            interface eth2
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                192.168.1.199
            }
        }

        # the seed's web service
        virtual_server 192.168.1.199 80 {
            delay_loop 6
            lb_algo rr
            lb_kind NAT
            persistence_timeout 50
            protocol TCP

            sorry_server 192.168.139.1 8080

            real_server 192.168.139.254 80 {
                weight 3          # the big one
                inhibit_on_failure
                notify_down "/usr/local/bin/page-me web1 down"
                HTTP_GET {
                    url {
                      path /healthz
                      digest 9b3a6e8d1f1f5e9e6b3c2e4d5a6b7c8d
                      status_code 200-204 301
                    }
                    connect_timeout 3
                    retry 3
                    delay_before_retry 2
                }
            }
            real_server 192.168.139.253 80 { weight 1 }
            real_server 192.168.139.252 80 {
                TCP_CHECK {
                    connect_port 8080
                    connect_timeout 2
                }
            }
        }
        """;

    [Test]
    public void RealWorldFile_LoadsTheVirtualServerItsServersAndCheckers_WithoutAReport()
    {
        var configuration = KeepalivedConfigReader.Parse("keepalived.conf", RealWorld);

        Assert.That(configuration.Diagnostics, Has.Count.EqualTo(1), string.Join("\n", configuration.Diagnostics));
        Assert.That(configuration.Diagnostics[0].ToString(), Is.EqualTo(
            "(keepalived.conf: Line 9) 'vrrp_instance' is not part of this director (it runs keepalived's checkers, not VRRP or BFD) - ignoring"));
        var vs = configuration.VirtualServers.Single();
        Assert.Multiple(() =>
        {
            Assert.That(vs.Name, Is.EqualTo("[192.168.1.199]:tcp:80"));
            Assert.That(vs.Services, Is.EqualTo(new[] { new ServiceAddress(IPAddress.Parse("192.168.1.199"), 80, LvsProtocol.Tcp) }));
            Assert.That(vs.Scheduler, Is.EqualTo("rr"));
            Assert.That(vs.PersistenceTimeout, Is.EqualTo(50));
            Assert.That(vs.SorryServer!.Endpoint, Is.EqualTo("192.168.139.1:8080"));
            Assert.That(vs.RealServers.Select(rs => rs.Endpoint), Is.EqualTo(new[] { "192.168.139.254:80", "192.168.139.253:80", "192.168.139.252:80" }));
            var web1 = vs.RealServers[0];
            Assert.That(web1.Weight, Is.EqualTo(3));
            Assert.That(web1.Inhibit, Is.True);
            Assert.That(web1.NotifyDown!.Words, Is.EqualTo(new[] { "/usr/local/bin/page-me", "web1", "down" }), "a quoted script is split into its words");
            var http = (HttpCheckConfig)web1.Checkers.Single();
            Assert.That(http.Urls.Single().Path, Is.EqualTo("/healthz"));
            Assert.That(Convert.ToHexStringLower(http.Urls[0].Digest!), Is.EqualTo("9b3a6e8d1f1f5e9e6b3c2e4d5a6b7c8d"));
            Assert.That(http.Urls[0].StatusCodes.Order(), Is.EqualTo(new[] { 200, 201, 202, 203, 204, 301 }));
            Assert.That((http.ConnectTimeout, http.Retry, http.DelayBeforeRetry, http.DelayLoop),
                Is.EqualTo((TimeSpan.FromSeconds(3), 3, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6))));
            Assert.That(http.Destination, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.168.139.254"), 80)));
            Assert.That(vs.RealServers[1].Weight, Is.EqualTo(1), "a block on one line");
            Assert.That(vs.RealServers[1].Checkers, Is.Empty);
            var tcp = (TcpCheckConfig)vs.RealServers[2].Checkers.Single();
            Assert.That(tcp.Destination, Is.EqualTo(new IPEndPoint(IPAddress.Parse("192.168.139.252"), 8080)), "connect_port");
            Assert.That((tcp.Retry, tcp.DelayBeforeRetry, tcp.ConnectTimeout), Is.EqualTo((1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2))), "TCP_CHECK's defaults");
        });
    }

    [Test]
    public void UnknownKeywords_AreReportedWithFileAndLine_AndTheRestLoads()
    {
        var configuration = KeepalivedConfigReader.Parse("/etc/keepalived/keepalived.conf", """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo wrr
                lb_kind DR
                colour blue
                real_server 10.0.1.1 80 {
                    wieght 2
                    TCP_CHECK {
                        conect_timeout 3
                    }
                }
            }
            not_a_block {
                inside 1
            }
            """);

        Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "(/etc/keepalived/keepalived.conf: Line 5) Unknown keyword 'colour'",
            "(/etc/keepalived/keepalived.conf: Line 7) Unknown keyword 'wieght'",
            "(/etc/keepalived/keepalived.conf: Line 9) Unknown keyword 'conect_timeout'",
            "(/etc/keepalived/keepalived.conf: Line 13) Unknown keyword 'not_a_block'",
        }));
        var rs = configuration.VirtualServers.Single().RealServers.Single();
        Assert.That((rs.Method, rs.Weight, rs.Checkers.Count), Is.EqualTo((LvsMethod.DirectRoute, 1, 1)));
    }

    [Test]
    public void Comments_HashAndBang_EndALine_ButNotInsideQuotes_OrEscaped()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 10.0.0.1 80 { # a comment after a brace
                protocol TCP ! another kind
                lb_algo rr
                lb_kind NAT
                real_server 10.0.1.1 80 {
                    MISC_CHECK {
                        misc_path "/bin/echo #not-a-comment !nor-this"
                    }
                    notify_up /bin/echo\#kept
                }
            }
            """);

        Assert.That(configuration.Diagnostics, Is.Empty, string.Join("\n", configuration.Diagnostics));
        var rs = configuration.VirtualServers.Single().RealServers.Single();
        Assert.That(((MiscCheckConfig)rs.Checkers[0]).Script!.Words, Is.EqualTo(new[] { "/bin/echo", "#not-a-comment", "!nor-this" }));
        Assert.That(rs.NotifyUp!.Words, Is.EqualTo(new[] { "/bin/echo#kept" }));
    }

    [Test]
    public void Includes_ReadTheMatchingFilesInTheirPlace_RelativeToTheIncludingFile_AndReportTheirOwnLines()
    {
        var directory = Directory.CreateTempSubdirectory("keepalived-include");
        try
        {
            Directory.CreateDirectory(Path.Combine(directory.FullName, "conf.d"));
            File.WriteAllText(Path.Combine(directory.FullName, "keepalived.conf"), """
                global_defs {
                }
                include conf.d/*.conf
                include missing/*.conf
                """);
            File.WriteAllText(Path.Combine(directory.FullName, "conf.d", "20-dns.conf"), """
                virtual_server 10.0.0.2 53 {
                    protocol UDP
                    lb_algo rr
                    lb_kind NAT
                    real_server 10.0.1.5 53 {
                        DNS_CHECK {
                            type A
                            name example.org
                            bogus yes
                        }
                    }
                }
                """);
            File.WriteAllText(Path.Combine(directory.FullName, "conf.d", "10-web.conf"), """
                virtual_server 10.0.0.1 80 {
                    protocol TCP
                    lb_algo rr
                    lb_kind NAT
                    real_server 10.0.1.1 80 {
                    }
                }
                """);
            File.WriteAllText(Path.Combine(directory.FullName, "conf.d", "notes.txt"), "this is not included {");

            var configuration = KeepalivedConfigReader.Load(Path.Combine(directory.FullName, "keepalived.conf"));

            Assert.That(configuration.VirtualServers.Select(vs => vs.Name), Is.EqualTo(new[] { "[10.0.0.1]:tcp:80", "[10.0.0.2]:udp:53" }), "in the glob's sorted order");
            var dns = (DnsCheckConfig)configuration.VirtualServers[1].RealServers[0].Checkers.Single();
            Assert.That((dns.QueryType, dns.Name, dns.Retry, dns.DelayBeforeRetry), Is.EqualTo(((ushort)1, "example.org", 3, TimeSpan.FromSeconds(60))),
                "DNS_CHECK retries 3 times, delay_loop apart, by default");
            Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
            {
                $"({Path.Combine(directory.FullName, "keepalived.conf")}: Line 4) No config files matched 'missing/*.conf'.",
                $"({Path.Combine(directory.FullName, "conf.d", "20-dns.conf")}: Line 9) Unknown keyword 'bogus'",
            }));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Test]
    public void AnIncludeOfItself_IsRefused_RatherThanReadForever()
    {
        var directory = Directory.CreateTempSubdirectory("keepalived-loop");
        try
        {
            var path = Path.Combine(directory.FullName, "keepalived.conf");
            File.WriteAllText(path, "include keepalived.conf\n");

            var refused = Assert.Throws<ConfigSyntaxException>(() => KeepalivedConfigReader.Load(path));

            Assert.That(refused!.Message, Does.StartWith($"({path}: Line 1) include nesting deeper than 16 files"));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [TestCase("virtual_server 10.0.0.1 80 {\n  protocol TCP\n}\n}\n", "(k.conf: Line 4) Extra '}' found")]
    [TestCase("virtual_server 10.0.0.1 80 {\n  protocol TCP\n  real_server 10.0.1.1 80 {\n", "(k.conf: Line 3) There are 2 missing '}'s or extra '{'s")]
    [TestCase("virtual_server 10.0.0.1 80 {\n  notify_up \"/bin/true\n}\n", "(k.conf: Line 2) Unterminated quote 'notify_up \"/bin/true'")]
    [TestCase("{\n}\n", "(k.conf: Line 1) Unexpected '{' - a block must follow a keyword")]
    public void SyntaxErrors_RefuseTheWholeFile(string text, string message)
    {
        var refused = Assert.Throws<ConfigSyntaxException>(() => KeepalivedConfigReader.Parse("k.conf", text));

        Assert.That(refused!.Message, Is.EqualTo(message));
    }

    [Test]
    public void MissingFile_IsRefusedWithKeepalivedsWords()
    {
        var refused = Assert.Throws<ConfigSyntaxException>(() => KeepalivedConfigReader.Load("/nonexistent/keepalived.conf"));

        Assert.That(refused!.Message, Is.EqualTo("Unable to find configuration file /nonexistent/keepalived.conf"));
    }

    [Test]
    public void FwmarkVirtualServer_IsOneMarkService_ItsProtocolDropped_DrPortsCleared_NatPortsKept()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server fwmark 7 {
                protocol TCP
                lb_algo rr
                lb_kind DR
                persistence_timeout 300
                ops
                real_server 10.0.1.1 80 {
                }
                real_server 10.0.1.2 {
                }
                real_server 10.0.1.3 8080 {
                    lvs_method NAT
                }
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.Name, Is.EqualTo("FWM 7"));
        Assert.That(vs.Services.Single().FirewallMark, Is.EqualTo(7u));
        Assert.That(vs.OnePacket, Is.True, "one-packet scheduling needs no UDP on a mark");
        Assert.That(vs.RealServers.Select(rs => rs.Endpoint), Is.EqualTo(new[] { "10.0.1.1:0", "10.0.1.2:0", "10.0.1.3:8080" }));
        Assert.That(configuration.Diagnostics.Select(d => d.Message), Is.EqualTo(new[]
        {
            "Warning: Virtual server FWM 7: protocol specified for fwmark - protocol will be ignored",
            "WARNING - fwmark virtual server FWM 7, real server [10.0.1.1]:none:80 has port specified - clearing",
        }));
    }

    [Test]
    public void TwoVirtualServersOfOneMark_TheSecondIsADuplicate()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server fwmark 7 {
                real_server 10.0.1.1 {
                }
            }
            virtual_server fwmark 7 {
                real_server 10.0.1.2 {
                }
            }
            """);

        Assert.That(configuration.VirtualServers.Single().RealServers.Single().Endpoint, Is.EqualTo("10.0.1.1:0"));
        Assert.That(configuration.Diagnostics.Select(d => d.Message), Has.Member("Virtual server FWM 7 is a duplicate of an earlier one - ignoring"));
    }

    [TestCase("99999999999", "number '99999999999' outside unsigned integer range")]
    [TestCase("x", "invalid number 'x'")]
    [TestCase("-1", "negative number '-1'")]
    public void FwmarkVirtualServer_WithABadMark_IsSkippedWithKeepalivedsTwoReports(string mark, string first)
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", $$"""
            virtual_server fwmark {{mark}} {
                real_server 10.0.1.1 80 {
                }
            }
            """);

        Assert.That(configuration.VirtualServers, Is.Empty);
        Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            $"(k.conf: Line 1) {first}",
            $"(k.conf: Line 1) virtual server fwmark '{mark}' must be in [0, 4294967295] - ignoring",
        }));
    }

    [Test]
    public void VirtualServerGroup_StandsForEachOfItsAddresses_RangesIncluded_AndItsMarks()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server group WEB {
                protocol TCP
                lb_algo wlc
                lb_kind NAT
                real_server 10.0.1.1 80 {
                }
            }
            virtual_server_group WEB {
                10.0.0.1 80
                10.0.0.10-12 8080
                fwmark 3
                fwmark 4 inet
                fwmark 5 ipx
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.Name, Is.EqualTo("[WEB]:0"));
        Assert.That(vs.Services.Select(s => s.IsFirewallMark ? s.ToString() : s.Endpoint),
            Is.EqualTo(new[] { "10.0.0.1:80", "10.0.0.10:8080", "10.0.0.11:8080", "10.0.0.12:8080", "FWM 3", "FWM 4" }));
        Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "(k.conf: Line 13) (WEB): fwmark '5' family ipx unknown - ignoring",
        }));
    }

    [Test]
    public void VirtualServerGroup_OfMarksOnly_DropsTheProtocol_AndOneMixingFamiliesWithAMarkOfNone_IsRemoved()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server group MARKS {
                protocol UDP
                lb_algo rr
                real_server 10.0.1.1 {
                }
            }
            virtual_server_group MARKS {
                fwmark 10
            }
            virtual_server_group MIXED {
                10.0.0.1 80
                fwmark 11
                fwmark 12 inet6
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.Services.Single().FirewallMark, Is.EqualTo(10u));
        Assert.That(configuration.Diagnostics.Select(d => d.Message), Is.EqualTo(new[]
        {
            "virtual server group MIXED cannot have IPv4, IPv6 and fwmark without family - removing",
            "Warning: Virtual server [MARKS]:0: protocol specified for fwmark - protocol will be ignored",
            "Virtual server [MARKS]:0: no forwarding method set, setting default NAT",
        }));
    }

    [Test]
    public void MissingSettings_TakeKeepalivedsDefaults_WithItsReports()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 10.0.0.1 80 {
                quorum 9
                hysteresis 5
                real_server 10.0.1.1 80 {
                    weight 2
                }
                real_server 10.0.1.2 80 {
                    weight 3
                }
                real_server 10.0.1.2 80 {
                }
            }
            virtual_server 10.0.0.3 80 {
                protocol TCP
            }
            """);

        Assert.That(configuration.Diagnostics.Select(d => d.Message), Is.EqualTo(new[]
        {
            "Virtual server [10.0.0.3]:tcp:80 has no real servers - ignoring",
            "Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP",
            "Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc'",
            "Virtual server [10.0.0.1]:udp:80: no forwarding method set, setting default NAT",
            "VS [10.0.0.1]:udp:80: real server [10.0.1.2]:udp:80 is duplicated - removing second rs",
            "Warning - quorum 9 for [10.0.0.1]:udp:80 exceeds total weight of real servers 5, reducing quorum to 5",
            "Virtual server [10.0.0.1]:udp:80: hysteresis 5 >= quorum 5; setting hysteresis to 4",
        }).AsCollection, string.Join("\n", configuration.Diagnostics));
        var vs = configuration.VirtualServers.Single();
        Assert.That((vs.Protocol, vs.Scheduler, vs.Quorum, vs.RealServers.Count), Is.EqualTo((LvsProtocol.Udp, "wlc", 5L, 2)));
    }

    [Test]
    public void CheckerSettings_ComeFromTheChecker_ThenTheRealServer_ThenTheVirtualServer_ThenTheTypesDefault()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                delay_loop 10
                connect_timeout 7
                retry 4
                alpha
                real_server 10.0.1.1 80 {
                    delay_before_retry 0.5
                    HTTP_GET {
                        url {
                            path /
                        }
                        retry 2
                    }
                    MISC_CHECK {
                        misc_path /bin/true
                        misc_dynamic
                    }
                }
                real_server 10.0.1.2 80 {
                    alpha off
                    TCP_CHECK {
                        delay_loop 1.25
                        warmup 0
                    }
                }
            }
            """);

        Assert.That(configuration.Diagnostics, Is.Empty, string.Join("\n", configuration.Diagnostics));
        var servers = configuration.VirtualServers.Single().RealServers;
        var http = (HttpCheckConfig)servers[0].Checkers[0];
        var misc = (MiscCheckConfig)servers[0].Checkers[1];
        var tcp = (TcpCheckConfig)servers[1].Checkers[0];
        Assert.Multiple(() =>
        {
            Assert.That((http.Retry, http.DelayBeforeRetry, http.ConnectTimeout, http.DelayLoop, http.Alpha, http.Warmup),
                Is.EqualTo((2, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(10), true, TimeSpan.FromSeconds(10))));
            Assert.That(http.Urls.Single().StatusCodes, Has.Count.EqualTo(100), "200-299 by default");
            Assert.That((misc.Retry, misc.Dynamic, misc.Timeout), Is.EqualTo((4, true, (TimeSpan?)TimeSpan.FromSeconds(10))), "misc_timeout defaults to delay_loop");
            Assert.That((tcp.Retry, tcp.DelayLoop, tcp.Alpha, tcp.Warmup), Is.EqualTo((4, TimeSpan.FromSeconds(1.25), false, TimeSpan.Zero)));
        });
    }

    [Test]
    public void BadValues_AreReportedInKeepalivedsWords_AndTheirKeywordsIgnored()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 10.0.0.1 80 {
                protocol ICMP
                lb_algo fastest
                lb_kind NAT
                persistence_granularity 255.0.x
                real_server 10.0.1.1 80 {
                    weight -3
                    TCP_CHECK {
                        connect_timeout x
                    }
                    HTTP_GET {
                        url {
                            path /
                            status_code 700
                            digest abc
                        }
                    }
                    MISC_CHECK {
                    }
                }
                real_server 10.0.1.2 80 {
                    lvs_method FAST
                }
            }
            """);

        Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "(k.conf: Line 2) Unknown protocol ICMP - ignoring",
            "(k.conf: Line 3) Invalid lvs_scheduler 'fastest' - ignoring",
            "(k.conf: Line 5) Invalid IPv4 persistence_granularity specified - 255.0.x",
            "(k.conf: Line 7) negative number '-3'",
            "(k.conf: Line 7) Real server weight -3 is outside range 0-2147483647",
            "(k.conf: Line 9) invalid number 'x'",
            "(k.conf: Line 9) connect_timeout x invalid - ignoring",
            "(k.conf: Line 14) Invalid HTTP_GET status code '700'",
            "(k.conf: Line 15) digest 'abc' character length should be 32 rather than 3",
            "(k.conf: Line 19) No script path has been specified for MISC_CHECKER - skipping",
            "(k.conf: Line 22) PARSER : unknown [FAST] routing method for real server.",
            "(k.conf: Line 1) Virtual server [10.0.0.1]:none:80: no protocol set - defaulting to UDP",
            "(k.conf: Line 1) Virtual server [10.0.0.1]:udp:80: no scheduler set, setting default 'wlc'",
        }));
    }

    [Test]
    public void MiscCheck_QuotedPathWithArguments_IsOneCommand_AndTimeoutAndDynamicAreRead()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
                real_server 10.0.1.1 80 {
                    MISC_CHECK {
                        misc_path "/usr/local/bin/check_web --port 80"
                        misc_timeout 3
                        misc_dynamic
                        user nobody
                    }
                }
            }
            """);

        var misc = (MiscCheckConfig)configuration.VirtualServers[0].RealServers[0].Checkers[0];
        Assert.That(misc.Script!.Words, Is.EqualTo(new[] { "/usr/local/bin/check_web", "--port", "80" }));
        Assert.That((misc.Timeout, misc.Dynamic, misc.Retry), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(3), true, 0)), "MISC_CHECK does not retry by default");
        Assert.That(configuration.Diagnostics.Single().ToString(), Is.EqualTo(
            "(k.conf: Line 10) 'user' is not supported by this director (scripts run as the director's user) - ignoring"));
    }
}
