using Forwarder.Commands;
using Forwarder.Core.Connections;
using Forwarder.Core.Engine;
using Forwarder.Core.Frames;
using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;
using Forwarder.Core.Topology;
using Forwarder.Ipvsadm.Control;
using Forwarder.Ipvsadm.Execution;
using Forwarder.Ipvsadm.Listing;

namespace Forwarder.Tests.Commands;

/// <summary>
/// <c>forwarder vip</c> over a real control socket to a director's executor: take, list and release move the engine's
/// ownership; a bad request is the director's refusal, word for word, with its status; run refuses a bad --vips-owned.
/// </summary>
public sealed class VipCommandTests
{
    private string _directory = null!;
    private ControlServer _server = null!;
    private DirectorEngine _engine = null!;

    private string SocketPath => Path.Combine(_directory, "forwarder.sock");

    [SetUp]
    public void StartDirector()
    {
        _directory = Directory.CreateTempSubdirectory("forwarder-vip-").FullName;
        var services = new ServiceTable(SchedulerRegistry.Create);
        services.AddService(new ServiceSpec(new ServiceKey(IpProtocol.Tcp, Ipv4Address.Parse("192.168.1.199").Value, 80), "rr"));
        _engine = new DirectorEngine(TopologyParser.Parse("interface eth2 02:00:00:00:00:02 192.168.1.114/24 public\ninterface eth1 02:00:00:00:00:01 192.168.139.144/24 private\n"),
            services, new ConnectionTable(new ConnectionTimeouts()), new EngineSettings { OwnsEveryServiceAddress = false });
        var executor = new IpvsadmExecutor(DirectorState.FromEngine(_engine, new ServiceRateEstimators()), NumericNameResolver.Instance);
        var serialized = new object();
        _server = new ControlServer(SocketPath, (invocation, _) =>
        {
            lock (serialized)
            {
                return Task.FromResult(executor.Execute(invocation));
            }
        });
        _server.Start();
    }

    [TearDown]
    public void StopDirector()
    {
        _server.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private (int Status, string Output, string Errors) Vip(string action, params string[] addresses)
    {
        var output = new StringWriter();
        var errors = new StringWriter();
        var status = VipCommand.Run(new VipOptions { Action = action, Addresses = addresses, Socket = SocketPath }, output, errors, null);
        return (status, output.ToString(), errors.ToString());
    }

    [Test]
    public void TakeListRelease_MoveTheDirectorsAddresses()
    {
        var taken = Vip("take", "192.168.1.199", "192.168.139.142");
        var listed = Vip("list");
        var owned = _engine.Ownership.OwnsServiceAddress(Ipv4Address.Parse("192.168.1.199").Value);
        var released = Vip("release", "192.168.1.199", "192.168.139.142");

        Assert.Multiple(() =>
        {
            Assert.That(taken, Is.EqualTo((0, "", "")));
            Assert.That(listed, Is.EqualTo((0, "192.168.1.199 on eth2\n192.168.139.142 on eth1\n", "")));
            Assert.That(owned, Is.True);
            Assert.That(released, Is.EqualTo((0, "", "")));
            Assert.That(Vip("list"), Is.EqualTo((0, "", "")));
        });
    }

    [Test]
    public void Ipv6Address_IsTakenListedAndReleased_OverTheSocket()
    {
        var taken = Vip("take", "2001:db8::199");
        var listed = Vip("list");
        var released = Vip("release", "2001:db8::199");

        Assert.Multiple(() =>
        {
            Assert.That((taken, listed, released), Is.EqualTo(((0, "", ""), (0, "2001:db8::199 on eth2\n", ""), (0, "", ""))));
            Assert.That(_engine.Ownership.OwnsServiceAddress(Forwarder.Core.Frames.InetAddress.Parse("2001:db8::199")), Is.False);
        });
    }

    [Test]
    public void BadAddress_IsTheDirectorsRefusal()
    {
        Assert.That(Vip("take", "192.168.1.300"), Is.EqualTo((2, "", "vip take: 192.168.1.300: not an IPv4 or IPv6 unicast address; nothing was done\n")));
    }

    [Test]
    public void NoDirector_IsSaid()
    {
        _server.Dispose();

        var (status, _, errors) = Vip("list");

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.Not.Zero);
            Assert.That(errors, Is.Not.Empty);
        });
    }

    [Test]
    public void Run_RefusesABadVipsOwned_BeforeAnythingElse()
    {
        var errors = new StringWriter();

        var status = RunCommand.Run(new RunOptions { VipsOwned = "some", PublicInterface = "no-such-if0", Check = true }, TextWriter.Null, errors);

        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(1));
            Assert.That(errors.ToString(), Is.EqualTo("forwarder run: --vips-owned some: expected all or none\n"));
        });
    }
}
