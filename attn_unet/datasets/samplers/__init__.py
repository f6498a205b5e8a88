from .foreground_oversampling_sampler import ForegroundOversamplingSampler, slices_by_class

__all__ = ['ForegroundOversamplingSampler', 'slices_by_class']
