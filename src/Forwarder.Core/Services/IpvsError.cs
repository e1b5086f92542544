namespace Forwarder.Core.Services;

/// <summary>Why the rule table refused an edit: the cases libipvs names, with its words.</summary>
public enum IpvsError
{
    ServiceExists,
    NoSuchService,
    ServiceNotDefined,
    DestinationExists,
    NoSuchDestination,
    SchedulerNotFound,
    BadArgument,
}
