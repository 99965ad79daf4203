"""The two published Gaza food-availability studies, reproduced from their public inputs."""
