using System.Net;
using System.Net.Sockets;
using Forwarder.Keepalived.Configuration;

namespace Forwarder.Keepalived.Tests.Configuration;

/// <summary>IPv6 virtual servers as keepalived 2.2 takes them: addresses, ip_family, groups, and its family rules.</summary>
[TestFixture]
public sealed class Ipv6ConfigReaderTests
{
    [Test]
    public void Ipv6VirtualServer_WithIpv6RealServersAndCheckers_IsTaken()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 2001:db8::199 80 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                sorry_server 2001:db8:139::1 8080
                real_server 2001:db8:139::254 80 {
                    TCP_CHECK {
                        connect_ip 2001:db8:139::253
                        connect_port 8080
                        bindto 2001:db8:139::2
                    }
                }
                real_server 2001:db8:139::253 {
                    HTTP_GET {
                        url {
                            path /
                        }
                    }
                }
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.Name, Is.EqualTo("[2001:db8::199]:tcp:80"));
        Assert.That(vs.Services.Single().Endpoint, Is.EqualTo("[2001:db8::199]:80"));
        Assert.That(vs.RealServers.Select(rs => rs.Endpoint), Is.EqualTo(new[] { "[2001:db8:139::254]:80", "[2001:db8:139::253]:80" }));
        Assert.That(vs.SorryServer?.Endpoint, Is.EqualTo("[2001:db8:139::1]:8080"));
        var tcp = vs.RealServers[0].Checkers.Single();
        Assert.That(tcp.Destination, Is.EqualTo(new IPEndPoint(IPAddress.Parse("2001:db8:139::253"), 8080)));
        Assert.That(tcp.BindTo, Is.EqualTo(new IPEndPoint(IPAddress.Parse("2001:db8:139::2"), 0)));
        Assert.That(vs.RealServers[1].Checkers.Single().Destination, Is.EqualTo(new IPEndPoint(IPAddress.Parse("2001:db8:139::253"), 80)));
        Assert.That(configuration.Diagnostics, Is.Empty);
    }

    [Test]
    public void MixedFamilies_OnlyTunnelledServersMayDiffer_InKeepalivedsWords()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server 2001:db8::199 80 {
                lb_algo rr
                lb_kind DR
                protocol TCP
                sorry_server 10.0.0.9 80
                real_server 10.0.1.1 80 {
                }
                real_server 10.0.1.2 80 {
                    lvs_method TUN
                }
                real_server 2001:db8:1::1 80 {
                }
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.RealServers.Select(rs => (rs.Endpoint, rs.Method)), Is.EqualTo(new[]
        {
            ("10.0.1.2:80", LvsMethod.Tunnel),
            ("[2001:db8:1::1]:80", LvsMethod.DirectRoute),
        }));
        Assert.That(vs.SorryServer, Is.Null);
        Assert.That(configuration.Diagnostics.Select(d => d.ToString()), Is.EqualTo(new[]
        {
            "(k.conf: Line 7) Address family of virtual server and real server 10.0.1.1 don't match - skipping real server.",
            "(k.conf: Line 13) Address family of virtual server and sorry server 10.0.0.9 don't match - skipping sorry server.",
        }));
    }

    [Test]
    public void FwmarkVirtualServer_TakesIpFamily_OrItsServersFamily_AndAConflictIsReported()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server fwmark 6 {
                ip_family inet6
                lb_algo rr
                lb_kind TUN
                real_server 10.0.1.1 {
                }
            }
            virtual_server fwmark 7 {
                lb_algo rr
                lb_kind NAT
                real_server 2001:db8:1::1 80 {
                }
                ip_family inet
            }
            virtual_server fwmark 8 {
                lb_algo rr
                lb_kind TUN
                real_server 2001:db8:1::2 {
                }
            }
            virtual_server fwmark 9 {
                lb_algo rr
                lb_kind TUN
                ip_family ipx
                real_server 2001:db8:1::2 {
                }
                real_server 10.0.1.2 {
                }
            }
            """);

        Assert.That(configuration.VirtualServers.Select(vs => (vs.Services.Single().FirewallMark, vs.Services.Single().Address.AddressFamily)), Is.EqualTo(new[]
        {
            (6u, AddressFamily.InterNetworkV6),
            (7u, AddressFamily.InterNetworkV6),
            (8u, AddressFamily.InterNetworkV6),
            (9u, AddressFamily.InterNetwork),
        }), "an explicit family, a NAT server's, the tunnelled servers' when they agree, IPv4 when they do not");
        Assert.That(configuration.Diagnostics.Select(d => d.Message), Is.EqualTo(new[]
        {
            "Virtual server specified family inet conflicts with server family",
            "unknown address family ipx",
        }));
    }

    [Test]
    public void VirtualServerGroup_TakesIpv6Entries_HexRanges_AndInet6Marks()
    {
        var configuration = KeepalivedConfigReader.Parse("k.conf", """
            virtual_server group WEB6 {
                lb_algo rr
                lb_kind NAT
                protocol TCP
                real_server 2001:db8:1::1 8080 {
                }
            }
            virtual_server_group WEB6 {
                2001:db8::1 80
                2001:db8::a-c 443
                2001:db8::f-e 443
                fwmark 12 inet6
                fwmark 13
            }
            """);

        var vs = configuration.VirtualServers.Single();
        Assert.That(vs.Services.Select(s => s.IsFirewallMark ? $"{s} {s.Address.AddressFamily}" : s.Endpoint), Is.EqualTo(new[]
        {
            "[2001:db8::1]:80", "[2001:db8::a]:443", "[2001:db8::b]:443", "[2001:db8::c]:443",
            "FWM 12 InterNetworkV6", "FWM 13 InterNetworkV6",
        }), "a mark without a family takes the virtual server's, here its real server's");
        Assert.That(configuration.Diagnostics.Select(d => d.Message), Has.Some.EqualTo("Invalid virtual server group WEB6 entry '2001:db8::f-e 443' - skipping"));
    }
}
