package dev.scimsync.cli;

import picocli.CommandLine.IVersionProvider;

final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = ScimSyncCommand.class.getPackage().getImplementationVersion();
        return new String[] {"scim-sync " + (version == null ? "(development build)" : version)};
    }
}
