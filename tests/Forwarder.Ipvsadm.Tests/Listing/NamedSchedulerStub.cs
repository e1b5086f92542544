using Forwarder.Core.Scheduling;
using Forwarder.Core.Services;

namespace Forwarder.Ipvsadm.Tests.Listing;

/// <summary>A scheduler that only has a name, for listing services whose scheduler the registry does not have yet.</summary>
internal sealed class NamedSchedulerStub(string name) : IScheduler
{
    public string Name { get; } = name;

    public Destination? Schedule(VirtualService service, in FlowInfo flow) => null;
}
